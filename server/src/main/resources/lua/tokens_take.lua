-- TOKEN_QUEUE: take the tokens of `quantity` units at once, or none. A take of more units than are left must not
-- pop what is there and push it back: between the two, a buyer of fewer units would find the list empty, answer
-- sold out, and leave those units unsold for good. For the same reason a take records what it took as in flight
-- until its attempt settles: an attempt whose order is then not written puts its tokens back, so while it is in
-- flight a buyer who finds too few tokens is told to try again, not sold out.
-- KEYS[1] token list, KEYS[2] build epoch, KEYS[3] in-flight set (member '<attempt>:<quantity>', score: expiry ms)
-- ARGV[1] quantity, ARGV[2] the attempt's member, ARGV[3] how long it may stay in flight (ms)
-- Returns the epoch of the tokens taken; -2 when fewer units are left than asked for, even counting those in
-- flight (nothing taken: sold out); -3 when fewer are left but enough are in flight (nothing taken: try again);
-- -1 when the list is not built (never, lost, or a rebuild is running).
local epoch = redis.call('GET', KEYS[2])
if not epoch then
  return -1
end
local quantity = tonumber(ARGV[1])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local left = redis.call('LLEN', KEYS[1])
if left < quantity then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
  local flying = 0
  for _, member in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do
    flying = flying + tonumber(string.match(member, ':(%d+)$'))
  end
  if left + flying < quantity then
    return -2
  end
  return -3
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
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[3]), ARGV[2])
return tonumber(epoch)
