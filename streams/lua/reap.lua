-- Return items whose lease has expired to their queue, at their original place (same score).
-- KEYS: 1 leases zset (item id -> deadline ms), 2 stats hash
-- ARGV: 1 key prefix, 2 now (ms), 3 max items to reap
-- Returns the ids reaped.
local prefix = ARGV[1]
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(expired) do
  local key = prefix .. 'item:' .. id
  local state, queue, score = unpack(redis.call('HMGET', key, 'state', 'queue', 'score'))
  redis.call('ZREM', KEYS[1], id)
  if state == 'claimed' then
    redis.call('ZADD', prefix .. 'q:' .. queue, score, id)
    redis.call('HSET', key, 'state', 'queued')
    redis.call('HDEL', key, 'owner', 'lease_deadline')
    redis.call('HINCRBY', key, 'expiries', 1)
    redis.call('HINCRBY', KEYS[2], 'lease_expired', 1)
  end
end
return expired
