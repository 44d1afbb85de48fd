-- Return the units of an order that left the live states (cancelled, expired, refunded) to the gate, once:
-- the released set remembers every order already returned, so a retry or the repair job cannot do it twice.
-- KEYS[1] gate hash, KEYS[2] users hash, KEYS[3] released set; ARGV: user, order id, quantity
if redis.call('EXISTS', KEYS[1]) == 0 then
  return -1
end
if redis.call('SADD', KEYS[3], ARGV[2]) == 0 then
  return 0
end
local qty = tonumber(ARGV[3])
redis.call('HINCRBY', KEYS[1], 'available', qty)
if redis.call('HINCRBY', KEYS[2], ARGV[1], -qty) <= 0 then
  redis.call('HDEL', KEYS[2], ARGV[1])
end
return 1
