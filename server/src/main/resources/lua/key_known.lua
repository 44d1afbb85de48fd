-- Whether an idempotency key has an order at the gate, for the local sold-out flag: 1 yes, 0 no, -1 the gate is not
-- built (Redis lost it: the gate cannot tell).
-- KEYS[1] gate hash, KEYS[2] keys hash; ARGV[1] user \n idempotency key
if redis.call('EXISTS', KEYS[1]) == 0 then
  return -1
end
return redis.call('HEXISTS', KEYS[2], ARGV[1])
