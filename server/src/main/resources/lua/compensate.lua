-- Undo a reservation whose order was never written: only if the key still points at that order, so a retry
-- or a second caller cannot return the units twice.
-- KEYS[1..3] as purchase_gate.lua, KEYS[4] released set; for a QUEUED order also KEYS[5] queued hash and KEYS[6]
-- confirmed hash: its record is dropped, and the undo is refused (0) once the order is marked confirmed, i.e. a
-- copy of it may be in the intake queue (unless ARGV[5] is '1': the consumer settling an order it will not write)
-- ARGV: user, idempotency key, order id, quantity[, force]
if KEYS[5] then
  if ARGV[5] ~= '1' and redis.call('HEXISTS', KEYS[6], ARGV[3]) == 1 then
    return 0
  end
  redis.call('HDEL', KEYS[5], ARGV[3])
  redis.call('HDEL', KEYS[6], ARGV[3])
end
if redis.call('EXISTS', KEYS[1]) == 0 then
  return -1
end
if redis.call('SISMEMBER', KEYS[4], ARGV[3]) == 1 then
  return 0
end
local field = ARGV[1] .. '\n' .. ARGV[2]
if redis.call('HGET', KEYS[3], field) ~= ARGV[3] then
  return 0
end
local qty = tonumber(ARGV[4])
redis.call('HDEL', KEYS[3], field)
redis.call('HINCRBY', KEYS[1], 'available', qty)
if redis.call('HINCRBY', KEYS[2], ARGV[1], -qty) <= 0 then
  redis.call('HDEL', KEYS[2], ARGV[1])
end
return 1
