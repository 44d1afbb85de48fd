-- TOKEN_QUEUE: push units back as tokens of the current build, in chunks (Lua's unpack has a small limit).
-- KEYS[1] token list, KEYS[2] build epoch, KEYS[3] released set
-- ARGV: mode ('back': an attempt whose order was not written, only if its tokens' epoch is still current;
--             'release': an order that ended, once per order id; 'add': a restock), epoch or order id, quantity
-- Returns 1 when pushed, 0 when nothing was to be done, -1 when the token list is not built.
local epoch = redis.call('GET', KEYS[2])
if not epoch then
  return -1
end
if ARGV[1] == 'back' and ARGV[2] ~= epoch then
  return 0
end
if ARGV[1] == 'release' and redis.call('SADD', KEYS[3], ARGV[2]) == 0 then
  return 0
end
local left = tonumber(ARGV[3])
while left > 0 do
  local n = math.min(left, 1000)
  local chunk = {}
  for i = 1, n do
    chunk[i] = epoch
  end
  redis.call('RPUSH', KEYS[1], unpack(chunk))
  left = left - n
end
return 1
