-- Adds one instance's purchase attempts of one second of one sale to the sum over every instance.
-- KEYS[1]: the hash of that sale's second. ARGV[1]: seconds to keep it; then pairs of field and increment.
for i = 2, #ARGV, 2 do
  redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
end
redis.call('EXPIRE', KEYS[1], ARGV[1])
return 1
