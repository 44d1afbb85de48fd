-- TOKEN_QUEUE: the units that may still be sold (in the list, or taken by attempts still in flight, which put them
-- back when their order is not written), read with the list's build in one step. Two separate reads (is it built?
-- how long is it?) could straddle a rebuild's start and read an empty list as sold out.
-- KEYS[1] token list, KEYS[2] build epoch, KEYS[3] in-flight set (member '<attempt>:<quantity>', score: expiry ms)
-- Returns that count, or -1 when the list is not built (never, lost, or a rebuild is running).
if redis.call('EXISTS', KEYS[2]) == 0 then
  return -1
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local units = redis.call('LLEN', KEYS[1])
for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '(' .. now, '+inf')) do
  units = units + tonumber(string.match(member, ':(%d+)$'))
end
return units
