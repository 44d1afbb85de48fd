-- One chunk of a rebuild's writes, fenced by the rebuild lease: written only while this caller still owns the lease,
-- so a rebuild that lost its lease (it ran past it, and another rebuild began) can never write into the new one.
-- KEYS[1] rebuild lease, KEYS[2] the hash, set or list to write; ARGV: owner token, 'hash', 'set' or 'list', then
-- field, value, field, value... for a hash, members for a set, elements to push for a list. Answers 1 when written, 0
-- when the lease is not the caller's.
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
if ARGV[2] == 'hash' then
  redis.call('HSET', KEYS[2], unpack(ARGV, 3))
elseif ARGV[2] == 'set' then
  redis.call('SADD', KEYS[2], unpack(ARGV, 3))
else
  redis.call('RPUSH', KEYS[2], unpack(ARGV, 3))
end
return 1
