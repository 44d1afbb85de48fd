-- TOKEN_QUEUE: the last step of a rebuild. The list and the released set are written; publishing the epoch makes
-- the build visible (until then takes and releases see it missing). Only the lease owner may finish.
-- KEYS[1] build epoch, KEYS[2] rebuild lease; ARGV: owner token, epoch. Returns 1 when finished.
if redis.call('GET', KEYS[2]) ~= ARGV[1] then
  return 0
end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('DEL', KEYS[2])
return 1
