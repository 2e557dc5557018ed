-- Enqueue one triaged message, idempotently, in one atomic step (Redis >= 6.2, Redis Cluster safe:
-- every key shares the deployment's {prefix} hash tag).
-- KEYS: 1 identity key, 2 item key for a new item, 3 queue zset, 4 stats hash
-- ARGV: 1 key prefix, 2 item id, 3 record coordinate (topic/partition/offset), 4 fingerprint or "",
--       5 now (ms), 6 queue score (arrival ms), 7 identity ttl (s), 8 fingerprint ttl (s), 9 network,
--       10.. field, value pairs of the new item
-- Returns {outcome, item id}; outcome is
--   replay      the same Kafka record again (a worker restart): nothing changes
--   redelivery  the same network message in another record (a webhook retry): counted, nothing queued
--   folded      an exact repost of a live item: joins its duplicate cluster
--   enqueued    a new item in its queue
local prefix, item_id, coord, fp = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local now, score, id_ttl, fp_ttl, network = ARGV[5], ARGV[6], tonumber(ARGV[7]), tonumber(ARGV[8]), ARGV[9]

-- A redelivery is counted once per record that carries it: replaying that record later is a no-op too.
local function redelivery(first)
  if not redis.call('SET', prefix .. 'rec:' .. coord .. '|' .. item_id, '1', 'NX', 'EX', id_ttl) then
    return {'replay', first}
  end
  redis.call('HINCRBY', KEYS[4], 'duplicates_redelivery', 1)
  return {'redelivery', first}
end

local seen = redis.call('GET', KEYS[1])
if seen then
  local sep = string.find(seen, '|', 1, true)
  if string.sub(seen, 1, sep - 1) == coord then
    return {'replay', string.sub(seen, sep + 1)}
  end
  return redelivery(string.sub(seen, sep + 1))
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  -- identity forgotten (ttl) but the item is still kept: still the same message
  redis.call('SET', KEYS[1], coord .. '|' .. item_id, 'EX', id_ttl)
  return redelivery(item_id)
end

if fp ~= '' then
  local fp_key = prefix .. 'fp:' .. fp
  local first = redis.call('GET', fp_key)
  if first then
    local first_key = prefix .. 'item:' .. first
    if redis.call('EXISTS', first_key) == 1 then
      redis.call('HINCRBY', first_key, 'dup_count', 1)
      redis.call('HSET', first_key, 'last_seen', now)
      local networks = redis.call('HGET', first_key, 'networks') or ''
      if not string.find(',' .. networks .. ',', ',' .. network .. ',', 1, true) then
        redis.call('HSET', first_key, 'networks', networks .. ',' .. network)
      end
      redis.call('SET', KEYS[1], coord .. '|' .. first, 'EX', id_ttl)
      redis.call('HINCRBY', KEYS[4], 'duplicates_exact', 1)
      return {'folded', first}
    end
  end
  redis.call('SET', fp_key, item_id, 'EX', fp_ttl)
end

local fields = {}
for i = 10, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[2], 'state', 'queued', 'dup_count', 1, 'networks', network,
  'first_seen', now, 'last_seen', now, 'score', score, unpack(fields))
redis.call('ZADD', KEYS[3], score, item_id)
redis.call('SET', KEYS[1], coord .. '|' .. item_id, 'EX', id_ttl)
redis.call('HINCRBY', KEYS[4], 'enqueued', 1)
return {'enqueued', item_id}
