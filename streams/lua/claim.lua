-- Claim the most urgent item of the given queues under a lease, atomically, after returning expired leases
-- to their queues (so an agent whose leases ran out is not held back by the cap). Order
-- (classifiers/routing.py): smallest claim key = arrival (the queue score) + the queue's handicap; ties go to
-- the earlier queue listed.
-- KEYS: 1 leases zset, 2 stats hash
-- ARGV: 1 key prefix, 2 agent, 3 now (ms), 4 lease (ms), 5 lease id, 6 max items per agent,
--       7 item audit maxlen, 8 global audit maxlen, 9 flag threshold, 10 max leases to reap,
--       11.. "handicap-ms queue-name" pairs in tie-break order
-- Returns the item as a flat field/value list, an empty list when every queue is empty, or the error
-- cap_reached when the agent already holds the maximum.
local prefix, agent, now, lease_ms, lease_id = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local cap, item_maxlen, all_maxlen = tonumber(ARGV[6]), ARGV[7], ARGV[8]
reap_expired(prefix, KEYS[1], KEYS[2], now, tonumber(ARGV[10]), item_maxlen, all_maxlen, tonumber(ARGV[9]))
local held_key = prefix .. 'held:' .. agent
local held = redis.call('SCARD', held_key)
if held >= cap then
  return redis.error_reply('cap_reached: you already hold ' .. held .. ' items (at most ' .. cap ..
    '); resolve or release one first')
end
local best_id, best_key, best_queue = nil, nil, nil
for i = 11, #ARGV, 2 do
  local handicap, queue = tonumber(ARGV[i]), ARGV[i + 1]
  local head = redis.call('ZRANGE', prefix .. 'q:' .. queue, 0, 0, 'WITHSCORES')
  if head[1] then
    local k = tonumber(head[2]) + handicap
    if not best_key or k < best_key then
      best_id, best_key, best_queue = head[1], k, queue
    end
  end
end
if not best_id then return {} end
redis.call('ZREM', prefix .. 'q:' .. best_queue, best_id)
local key = prefix .. 'item:' .. best_id
local deadline = now + lease_ms
redis.call('ZADD', KEYS[1], deadline, best_id)
redis.call('SADD', held_key, best_id)
redis.call('HSET', key, 'state', 'claimed', 'owner', agent, 'lease', lease_id, 'lease_deadline', deadline,
  'claimed_at', now)
redis.call('HINCRBY', key, 'claims', 1)
redis.call('HINCRBY', KEYS[2], 'claimed', 1)
audit(prefix, best_id, item_maxlen, all_maxlen, 'event', 'claimed', 'at', now, 'agent', agent,
  'queue', best_queue, 'lease_deadline', deadline)
return redis.call('HGETALL', key)
