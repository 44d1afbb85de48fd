-- TOKEN_QUEUE: the units left in the list, read with its build in one step. Two separate reads (is it built? how
-- long is it?) could straddle a rebuild's start and read an empty list as sold out.
-- KEYS[1] token list, KEYS[2] build epoch
-- Returns the list's length, or -1 when the list is not built (never, lost, or a rebuild is running).
if redis.call('EXISTS', KEYS[2]) == 0 then
  return -1
end
return redis.call('LLEN', KEYS[1])
