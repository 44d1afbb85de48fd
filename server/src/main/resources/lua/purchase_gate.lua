-- The purchase gate: window, idempotency key, per-user count, stock and reservation in one atomic step.
-- KEYS[1] gate hash {starts, ends, limit, available, epoch} (its absence means: not built, rebuild from the database)
-- KEYS[2] users hash  user -> units held by live orders
-- KEYS[3] keys hash   user \n idempotency key -> order id
-- KEYS[4] queued hash (intake QUEUED only) order id -> record of an order accepted but not yet written; kept in
--         the same step as the reservation, so a rebuild always sees the units of every accepted order
-- ARGV: user, idempotency key, quantity, new order id, now (epoch ms)[, record, restore ('1': also keep the record
--       when the key already belongs to this very order: a consumer re-admitting an order it holds)]
local gate = redis.call('HMGET', KEYS[1], 'starts', 'ends', 'limit', 'available', 'epoch')
if not gate[1] or not gate[4] or not gate[5] then
  return {'MISSING'}
end
local field = ARGV[1] .. '\n' .. ARGV[2]
local existing = redis.call('HGET', KEYS[3], field)
if existing then
  if KEYS[4] and ARGV[7] == '1' and existing == ARGV[4] then
    redis.call('HSETNX', KEYS[4], ARGV[4], ARGV[6])
  end
  return {'DUPLICATE', existing}
end
local now = tonumber(ARGV[5])
if now < tonumber(gate[1]) or now >= tonumber(gate[2]) then
  return {'NOT_ACTIVE'}
end
local qty = tonumber(ARGV[3])
local held = tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or '0')
if held + qty > tonumber(gate[3]) then
  return {'LIMIT_EXCEEDED'}
end
if tonumber(gate[4]) < qty then
  return {'SOLD_OUT'}
end
redis.call('HINCRBY', KEYS[1], 'available', -qty)
redis.call('HINCRBY', KEYS[2], ARGV[1], qty)
redis.call('HSET', KEYS[3], field, ARGV[4])
if KEYS[4] then
  redis.call('HSET', KEYS[4], ARGV[4], ARGV[6])
end
return {'RESERVED', ARGV[4], gate[5]}
