-- TOKEN_QUEUE: take the tokens of `quantity` units at once, or none. A take of more units than are left must not
-- pop what is there and push it back: between the two, a buyer of fewer units would find the list empty, answer
-- sold out, and leave those units unsold for good.
-- KEYS[1] token list, KEYS[2] build epoch; ARGV[1] quantity
-- Returns the epoch of the tokens taken, -2 when fewer units are left than asked for (nothing taken), -1 when the
-- list is not built (never, lost, or a rebuild is running).
local epoch = redis.call('GET', KEYS[2])
if not epoch then
  return -1
end
local quantity = tonumber(ARGV[1])
if redis.call('LLEN', KEYS[1]) < quantity then
  return -2
end
local tokens = redis.call('LPOP', KEYS[1], quantity)
local current = 0
for i = 1, #tokens do
  if tokens[i] == epoch then
    current = current + 1
  end
end
if current < quantity then
  -- tokens of an older build cannot be here (a rebuild drops the list and 'back' pushes only the current build's);
  -- should one be, it is void: the current ones go back and the caller treats the list as missing (it is recounted)
  for _ = 1, current do
    redis.call('RPUSH', KEYS[1], epoch)
  end
  return -1
end
return tonumber(epoch)
