-- Claim the most urgent item: the lowest priority level that has work, and within it the oldest
-- arrival across the given queues; move it into a lease with a deadline, atomically.
-- KEYS: 1 leases zset, 2 stats hash
-- ARGV: 1 key prefix, 2 agent, 3 now (ms), 4 lease (ms), 5.. "level queue-name" pairs in claim order
-- Returns the item as a flat field/value list, or an empty list when every queue is empty.
local prefix, agent, now, lease = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local best_id, best_score, best_level, best_queue = nil, nil, nil, nil
for i = 5, #ARGV, 2 do
  local level, queue = ARGV[i], ARGV[i + 1]
  if best_id and level ~= best_level then break end
  local head = redis.call('ZRANGE', prefix .. 'q:' .. queue, 0, 0, 'WITHSCORES')
  if head[1] and (not best_score or tonumber(head[2]) < best_score) then
    best_id, best_score, best_level, best_queue = head[1], tonumber(head[2]), level, queue
  end
end
if not best_id then return {} end
redis.call('ZREM', prefix .. 'q:' .. best_queue, best_id)
local key = prefix .. 'item:' .. best_id
local deadline = now + lease
redis.call('ZADD', KEYS[1], deadline, best_id)
redis.call('HSET', key, 'state', 'claimed', 'owner', agent, 'lease_deadline', deadline, 'claimed_at', now)
redis.call('HINCRBY', key, 'claims', 1)
redis.call('HINCRBY', KEYS[2], 'claimed', 1)
return redis.call('HGETALL', key)
