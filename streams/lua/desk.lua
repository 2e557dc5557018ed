-- Shared prelude of the desk scripts (claim, settle, extend, escalate, reap): streams/queues.py prepends it to
-- each of them. Every key starts with the deployment's {prefix} hash tag, so the scripts stay on one slot.
--   {p}:audit:<id>   the item's own audit stream (bounded: MAXLEN ~ item_maxlen)
--   {p}:audit        every audit entry of the deployment, forwarded to Kafka by streams/desk/audit.py
--                    (bounded: MAXLEN ~ all_maxlen)
--   {p}:held:<agent> set of the item ids an agent holds under lease (the per-agent cap)
--   {p}:flagged      zset of items released or expired too often, for supervisors (score = when, ms)

-- Append one audit entry (field, value, ...) to the item's stream and to the global stream.
local function audit(prefix, id, item_maxlen, all_maxlen, ...)
  redis.call('XADD', prefix .. 'audit:' .. id, 'MAXLEN', '~', item_maxlen, '*', ...)
  redis.call('XADD', prefix .. 'audit', 'MAXLEN', '~', all_maxlen, '*', 'item', id, ...)
end

-- nil when `agent` holds the current, unexpired lease of the item (`lease` '' = whichever lease the agent
-- holds); otherwise the error reply that says why not.
local function check_lease(key, agent, lease, now)
  local state, owner, current, deadline =
    unpack(redis.call('HMGET', key, 'state', 'owner', 'lease', 'lease_deadline'))
  if not state then return redis.error_reply('not_found: no such item') end
  if state ~= 'claimed' then
    local hint = ''
    if state == 'queued' then hint = ' (the lease has ended and the item is back in its queue)' end
    return redis.error_reply('not_claimed: the item is ' .. state .. hint)
  end
  if owner ~= agent then return redis.error_reply('not_holder: the item is leased to another agent') end
  if lease ~= '' and lease ~= current then
    return redis.error_reply('stale_lease: that lease has ended; you hold the item under a newer claim')
  end
  if tonumber(deadline) < now then
    return redis.error_reply('lease_expired: the lease ran out; claim the item again')
  end
  return nil
end

-- Forget the lease of a claimed item (the caller changes its state).
local function end_lease(prefix, leases, key, id)
  local owner = redis.call('HGET', key, 'owner')
  redis.call('ZREM', leases, id)
  if owner then redis.call('SREM', prefix .. 'held:' .. owner, id) end
  redis.call('HDEL', key, 'owner', 'lease', 'lease_deadline')
  return owner
end

-- Put an item back in its queue at its original place (its score is its arrival time).
local function requeue(prefix, key, id)
  local queue, score = unpack(redis.call('HMGET', key, 'queue', 'score'))
  redis.call('ZADD', prefix .. 'q:' .. queue, score, id)
  redis.call('HSET', key, 'state', 'queued')
end

-- Flag an item to supervisors once its releases + expiries reach the threshold (once per item).
local function maybe_flag(prefix, key, id, stats, threshold, now, item_maxlen, all_maxlen)
  local releases, expiries = unpack(redis.call('HMGET', key, 'releases', 'expiries'))
  local returned = (tonumber(releases) or 0) + (tonumber(expiries) or 0)
  if returned >= threshold and redis.call('HSETNX', key, 'flagged', now) == 1 then
    redis.call('ZADD', prefix .. 'flagged', now, id)
    redis.call('HINCRBY', stats, 'flagged', 1)
    audit(prefix, id, item_maxlen, all_maxlen, 'event', 'flagged', 'at', now, 'agent', '',
      'returned', returned)
  end
end

-- Return items whose lease has expired to their queue, at their original place (same score); count them,
-- audit them ("expired", with the agent whose lease ran out) and flag the ones returned too often.
-- Returns the ids reaped.
local function reap_expired(prefix, leases, stats, now, limit, item_maxlen, all_maxlen, threshold)
  local expired = redis.call('ZRANGEBYSCORE', leases, '-inf', now, 'LIMIT', 0, limit)
  for _, id in ipairs(expired) do
    local key = prefix .. 'item:' .. id
    if redis.call('HGET', key, 'state') == 'claimed' then
      local owner = end_lease(prefix, leases, key, id) or ''
      requeue(prefix, key, id)
      redis.call('HINCRBY', key, 'expiries', 1)
      redis.call('HINCRBY', stats, 'lease_expired', 1)
      audit(prefix, id, item_maxlen, all_maxlen, 'event', 'expired', 'at', now, 'agent', owner)
      maybe_flag(prefix, key, id, stats, threshold, now, item_maxlen, all_maxlen)
    else
      redis.call('ZREM', leases, id)
    end
  end
  return expired
end
