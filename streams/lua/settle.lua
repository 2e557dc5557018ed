-- Resolve or release a claimed item; only its current lease holder may, and only before the deadline.
-- KEYS: 1 leases zset, 2 item key, 3 stats hash
-- ARGV: 1 key prefix, 2 item id, 3 agent, 4 now (ms), 5 action ("resolve" | "release"), 6 resolved ttl (s)
-- Returns "resolved" | "released", or an error reply: not_found, not_claimed, not_holder, lease_expired.
local prefix, id, agent, now, action = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
local state, owner, deadline, queue, score =
  unpack(redis.call('HMGET', KEYS[2], 'state', 'owner', 'lease_deadline', 'queue', 'score'))
if not state then return redis.error_reply('not_found') end
if state ~= 'claimed' then return redis.error_reply('not_claimed: item is ' .. state) end
if owner ~= agent then return redis.error_reply('not_holder: item is leased to another agent') end
if tonumber(deadline) < now then return redis.error_reply('lease_expired: claim it again') end
redis.call('ZREM', KEYS[1], id)
redis.call('HDEL', KEYS[2], 'owner', 'lease_deadline')
if action == 'resolve' then
  redis.call('HSET', KEYS[2], 'state', 'resolved', 'resolved_by', agent, 'resolved_at', now)
  redis.call('EXPIRE', KEYS[2], tonumber(ARGV[6]))
  redis.call('HINCRBY', KEYS[3], 'resolved', 1)
  return 'resolved'
end
redis.call('ZADD', prefix .. 'q:' .. queue, score, id)
redis.call('HSET', KEYS[2], 'state', 'queued')
redis.call('HINCRBY', KEYS[2], 'releases', 1)
redis.call('HINCRBY', KEYS[3], 'released', 1)
return 'released'
