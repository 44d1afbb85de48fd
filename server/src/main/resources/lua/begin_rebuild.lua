-- Start a rebuild: take the rebuild lease, then drop the gate so purchases answer MISSING until it is whole.
-- KEYS[1] gate hash, KEYS[2] users hash, KEYS[3] keys hash, KEYS[4] released set, KEYS[5] rebuild lease
-- ARGV: owner token, lease ms
if not redis.call('SET', KEYS[5], ARGV[1], 'NX', 'PX', tonumber(ARGV[2])) then
  return 0
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4])
return 1
