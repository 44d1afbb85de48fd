-- A sale's waiting room, atomically (docs/fair-drops.md). All keys share the sale's hash tag.
-- KEYS: 1 queue (zset member -> score), 2 schedule (hash rate, base, baseAt, seq), 3 members (hash user -> member),
--       4 joined (hash member -> ms), 5 admitted (hash member -> ms)
-- ARGV: 1 op (join | status | figures | rate), 2 user, 3 now (ms), 4 random score in [0,1) for a join,
--       5 admission start (ms), 6 rate (the sale's, or the new one for op rate), 7 admission ttl (ms),
--       8 expiry of every key (unix seconds)
-- Places: joiners before the admission start draw a random score below 1 (a uniform shuffle); later joiners get
-- 1 + a sequence number (first come, first served, always behind the shuffled ones). Nobody is ever removed, so a
-- place's rank never changes once admission starts. The schedule lets `rate` places through per second from
-- baseAt on, counting from `base`; an empty room does not save places up for a later rush.
local queue, schedule, members, joined, admitted = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local op, user, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local start, ttl = tonumber(ARGV[5]), tonumber(ARGV[7])

if redis.call('EXISTS', schedule) == 0 then
    redis.call('HSET', schedule, 'rate', ARGV[6], 'base', 0, 'baseAt', start, 'seq', 0)
    redis.call('EXPIREAT', schedule, ARGV[8])
end
local s = redis.call('HMGET', schedule, 'rate', 'base', 'baseAt')
local rate, base, baseAt = tonumber(s[1]), tonumber(s[2]), tonumber(s[3])
local size = redis.call('ZCARD', queue)
local count = base
if now > baseAt then
    count = base + math.floor((now - baseAt) * rate / 1000)
    if count > size then
        count = size
        redis.call('HSET', schedule, 'base', size, 'baseAt', now)
    end
end

if op == 'figures' then
    return {count, size, rate}
end
if op == 'rate' then
    if now > baseAt then
        redis.call('HSET', schedule, 'base', count, 'baseAt', now)
    end
    redis.call('HSET', schedule, 'rate', ARGV[6])
    return {count, size, tonumber(ARGV[6])}
end

local member = redis.call('HGET', members, user)
local created = 0
if member and op == 'join' then
    local at = redis.call('HGET', admitted, member)
    if at and now >= tonumber(at) + ttl then
        member = false -- the turn passed unused: queue again at the back; the old place stays, so no rank moves
    end
end
if not member then
    if op ~= 'join' then
        return {-1}
    end
    local score
    if now < start then
        score = ARGV[4]
    else
        score = 1 + redis.call('HINCRBY', schedule, 'seq', 1)
    end
    if redis.call('HEXISTS', members, user) == 1 then
        member = user .. '#' .. redis.call('HINCRBY', schedule, 'seq', 1)
    else
        member = user
    end
    redis.call('ZADD', queue, score, member)
    redis.call('HSET', members, user, member)
    redis.call('HSET', joined, member, now)
    for i = 1, 5 do
        redis.call('EXPIREAT', KEYS[i], ARGV[8])
    end
    size = size + 1
    created = 1
end
local rank = redis.call('ZRANK', queue, member)
local randomized = 0
if tonumber(redis.call('ZSCORE', queue, member)) < 1 then
    randomized = 1
end
local at = redis.call('HGET', admitted, member)
if not at and now >= start and rank < count then
    redis.call('HSET', admitted, member, now)
    at = now
end
return {created, rank, count, size, rate, tonumber(at or -1), tonumber(redis.call('HGET', joined, member)), randomized}
