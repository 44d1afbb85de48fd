-- Restock: add units to a built gate; a missing gate is left alone (its rebuild reads the new total).
-- KEYS[1] gate hash; ARGV: quantity
if redis.call('EXISTS', KEYS[1]) == 0 then
  return -1
end
return redis.call('HINCRBY', KEYS[1], 'available', tonumber(ARGV[1]))
