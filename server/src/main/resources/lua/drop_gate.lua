-- The second step of a segmented rebuild's start, once it holds every segment's lease: drop this segment's gate so
-- purchases answer MISSING until it is whole again; only while the caller still holds the lease.
-- KEYS[1] gate hash, KEYS[2] users hash, KEYS[3] keys hash, KEYS[4] released set, KEYS[5] rebuild lease
-- ARGV: owner token
if redis.call('GET', KEYS[5]) ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
return 1
