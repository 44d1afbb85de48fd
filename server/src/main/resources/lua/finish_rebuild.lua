-- Finish a rebuild: write the gate hash last (it is what makes the gate usable) and release the lease,
-- only if this caller still owns the lease.
-- KEYS[1] gate hash, KEYS[2] rebuild lease; ARGV: owner token, starts, ends, limit, available, epoch
if redis.call('GET', KEYS[2]) ~= ARGV[1] then
  return 0
end
redis.call('HSET', KEYS[1], 'starts', ARGV[2], 'ends', ARGV[3], 'limit', ARGV[4], 'available', ARGV[5],
  'epoch', ARGV[6])
redis.call('DEL', KEYS[2])
return 1
