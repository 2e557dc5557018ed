-- Enqueue one triaged message, idempotently, folding reposts into the first item's duplicate cluster, in one
-- atomic step (Redis >= 6.2, Redis Cluster safe: every key shares the deployment's {prefix} hash tag).
-- KEYS: 1 identity key, 2 item key for a new item, 3 queue zset, 4 stats hash
-- ARGV: 1 key prefix, 2 item id, 3 record coordinate (topic/partition/offset), 4 fingerprint or "",
--       5 now (ms), 6 queue score (arrival ms), 7 identity ttl (s), 8 window (s), 9 network, 10 author id,
--       11 mode, 12 mode argument, 13 refs already compared (comma-separated), 14 near-duplicate entry
--       ("priority<TAB>form", or "" when the message has no sketch), 15 text, 16 window slots,
--       17 refs kept per LSH bucket, 18 max candidates returned, 19 max sample texts, 20 authors ttl (s),
--       21 n = number of LSH band keys, 22 .. 21+n band keys, then field, value pairs of a new item
-- Modes:
--   first   look for the message's twin: an exact repost folds at once; with no near-duplicate candidate the
--           message is enqueued; otherwise the candidates are returned for the caller to compare
--   commit  the caller compared the candidates (ARGV 13): fold into item ARGV 12, or enqueue when it is "";
--           if candidates the caller has not seen have appeared since (another worker), they are returned
--           instead and nothing changes (optimistic concurrency: lookup and change are one atomic step)
--   force   commit without looking for new candidates (after many rounds of racing workers)
--   follow  fold into the cluster of message ARGV 12 (an identity, "network:id"), an earlier message of the
--           same batch; ARGV 13 is "exact" or "near". Returns {'pending'} while that message has no item yet
-- Returns {outcome, item id, ...}; outcome is
--   replay       the same Kafka record again (a worker restart): nothing changes
--   redelivery   the same network message in another record (a webhook retry): counted, nothing queued
--   folded       an exact repost: joins the cluster   } followed by dup_count, authors, priority, category,
--   folded_near  a near-duplicate: joins the cluster  } state, queue of the cluster's item
--   enqueued     a new item in its queue
--   verify       {'verify', '', ref, item, priority, form, ref, item, ...}: candidates to compare
--   pending      (follow) the earlier message is not enqueued yet
--
-- Near-duplicate window, in time slots of window/slots ms (a message stays findable for at least the window,
-- at most one slot longer; every slot's keys expire by themselves):
--   {p}:nd:b:<slot>   hash: LSH band key -> the last refs filed under it in that slot ("12,40,41")
--   {p}:nd:f:<slot>   hash: ref -> "item<TAB>priority<TAB>form" (the cluster it joined, and what to compare)
--   {p}:nd:seq        counter of refs
--   {p}:authors:<id>  HyperLogLog of the cluster's distinct authors
local prefix, item_id, coord, fp = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local now, score, id_ttl, window = tonumber(ARGV[5]), ARGV[6], tonumber(ARGV[7]), tonumber(ARGV[8])
local network, author, mode, arg, seen_arg = ARGV[9], ARGV[10], ARGV[11], ARGV[12], ARGV[13]
local entry, text, slots, cap = ARGV[14], ARGV[15], tonumber(ARGV[16]), tonumber(ARGV[17])
local max_candidates, max_samples, authors_ttl = tonumber(ARGV[18]), tonumber(ARGV[19]), tonumber(ARGV[20])
local nbands = tonumber(ARGV[21])
local bands = {}
for i = 1, nbands do bands[i] = ARGV[21 + i] end
local first_field = 22 + nbands
local window_ms = window * 1000
local slot_ms = math.max(1, math.floor(window_ms / slots))
local slot = math.floor(now / slot_ms)

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

-- File this message in the window under its band keys, as a member of cluster `first`.
local function remember(first)
  if entry == '' then return end
  local ref = tostring(redis.call('INCR', prefix .. 'nd:seq'))
  local bkey, fkey = prefix .. 'nd:b:' .. slot, prefix .. 'nd:f:' .. slot
  local expire_at = (slot + 1) * slot_ms + window_ms
  redis.call('HSET', fkey, ref, first .. '\t' .. entry)
  local current = redis.call('HMGET', bkey, unpack(bands))
  local pairs_ = {}
  for i = 1, nbands do
    local refs = current[i]
    if refs then
      local kept, n = {}, 0
      for r in string.gmatch(refs, '[^,]+') do n = n + 1; kept[n] = r end
      local from = math.max(1, n - cap + 2)  -- keep the cap - 1 most recent, then this one
      refs = table.concat(kept, ',', from, n) .. ',' .. ref
    else
      refs = ref
    end
    pairs_[#pairs_ + 1] = bands[i]
    pairs_[#pairs_ + 1] = refs
  end
  redis.call('HSET', bkey, unpack(pairs_))
  redis.call('PEXPIREAT', bkey, expire_at)
  redis.call('PEXPIREAT', fkey, expire_at)
end

-- Candidates in the window: refs sharing a band key, most shared bands first, whose cluster still exists,
-- leaving out those in `skip`. Returns a flat list ref, item, priority, form, ...
local function candidates(skip)
  if entry == '' or nbands == 0 then return {} end
  local hits, where, order = {}, {}, {}
  local oldest = math.floor((now - window_ms) / slot_ms)
  for s = slot, oldest, -1 do  -- newest slot first: on equal hits the most recent ref wins
    local found = redis.call('HMGET', prefix .. 'nd:b:' .. s, unpack(bands))
    for i = 1, nbands do
      if found[i] then
        for r in string.gmatch(found[i], '[^,]+') do
          if not skip[r] then
            if not hits[r] then hits[r] = 0; where[r] = s; order[#order + 1] = r end
            hits[r] = hits[r] + 1
          end
        end
      end
    end
  end
  local rank = {}
  for i, r in ipairs(order) do rank[r] = i end
  table.sort(order, function(a, b)
    if hits[a] ~= hits[b] then return hits[a] > hits[b] end
    return rank[a] < rank[b]
  end)
  local out = {}
  for i = 1, math.min(#order, max_candidates) do
    local r = order[i]
    local value = redis.call('HGET', prefix .. 'nd:f:' .. where[r], r)
    if value then
      local t1 = string.find(value, '\t', 1, true)
      local t2 = string.find(value, '\t', t1 + 1, true)
      local first = string.sub(value, 1, t1 - 1)
      if redis.call('EXISTS', prefix .. 'item:' .. first) == 1 then
        out[#out + 1] = r
        out[#out + 1] = first
        out[#out + 1] = string.sub(value, t1 + 1, t2 - 1)
        out[#out + 1] = string.sub(value, t2 + 1)
      end
    end
  end
  return out
end

-- Fold this message into the cluster of item `first` (kind: 'exact' or 'near'). A resolved item stays
-- resolved: the repost is counted against it (one public answer to everybody), never queued again.
local function join(first, kind)
  local key = prefix .. 'item:' .. first
  local dup_count = redis.call('HINCRBY', key, 'dup_count', 1)
  redis.call('HSET', key, 'last_seen', now)
  local networks, state, samples = unpack(redis.call('HMGET', key, 'networks', 'state', 'samples'))
  networks = networks or ''
  if not string.find(',' .. networks .. ',', ',' .. network .. ',', 1, true) then
    redis.call('HSET', key, 'networks', networks .. ',' .. network)
  end
  local authors_key = prefix .. 'authors:' .. first
  if author ~= '' then redis.call('PFADD', authors_key, author) end
  redis.call('EXPIRE', authors_key, authors_ttl)
  local authors = redis.call('PFCOUNT', authors_key)
  redis.call('HSET', key, 'authors', authors)
  if kind == 'near' and max_samples > 0 then
    local list = samples and cjson.decode(samples) or {}
    if #list < max_samples then
      list[#list + 1] = text
      redis.call('HSET', key, 'samples', cjson.encode(list))
    end
  end
  if state == 'resolved' then
    redis.call('HINCRBY', key, 'after_resolve', 1)
    redis.call('HINCRBY', KEYS[4], 'duplicates_after_resolve', 1)
  end
  if fp ~= '' then
    redis.call('SET', prefix .. 'fp:' .. fp, first, 'EX', window)  -- sliding: its next exact repost folds too
  end
  redis.call('SET', KEYS[1], coord .. '|' .. first, 'EX', id_ttl)
  redis.call('HINCRBY', KEYS[4], kind == 'exact' and 'duplicates_exact' or 'duplicates_near', 1)
  local priority, category, queue = unpack(redis.call('HMGET', key, 'priority', 'category', 'queue'))
  return {kind == 'exact' and 'folded' or 'folded_near', first, dup_count, authors, priority or '',
          category or '', state or '', queue or ''}
end

local function enqueue_new()
  local fields = {}
  for i = first_field, #ARGV do fields[#fields + 1] = ARGV[i] end
  redis.call('HSET', KEYS[2], 'state', 'queued', 'dup_count', 1, 'networks', network, 'authors', 1,
    'first_seen', now, 'last_seen', now, 'score', score, unpack(fields))
  if author ~= '' then
    local authors_key = prefix .. 'authors:' .. item_id
    redis.call('PFADD', authors_key, author)
    redis.call('EXPIRE', authors_key, authors_ttl)
  end
  redis.call('ZADD', KEYS[3], score, item_id)
  redis.call('SET', KEYS[1], coord .. '|' .. item_id, 'EX', id_ttl)
  if fp ~= '' then redis.call('SET', prefix .. 'fp:' .. fp, item_id, 'EX', window) end
  redis.call('HINCRBY', KEYS[4], 'enqueued', 1)
  remember(item_id)
  return {'enqueued', item_id}
end

-- Exact repost of a cluster still kept (queued, claimed or resolved): fold at once, whatever the mode.
if fp ~= '' then
  local first = redis.call('GET', prefix .. 'fp:' .. fp)
  if first and redis.call('EXISTS', prefix .. 'item:' .. first) == 1 then
    return join(first, 'exact')
  end
end

if mode == 'follow' then
  local leader = redis.call('GET', prefix .. 'id:' .. arg)
  if not leader then return {'pending', ''} end
  local first = string.sub(leader, string.find(leader, '|', 1, true) + 1)
  if redis.call('EXISTS', prefix .. 'item:' .. first) == 0 then return enqueue_new() end
  local reply = join(first, seen_arg)
  if seen_arg == 'near' then remember(first) end
  return reply
end

local skip = {}
if mode == 'commit' then
  for r in string.gmatch(seen_arg, '[^,]+') do skip[r] = true end
end
local found = {}
if mode ~= 'force' then found = candidates(skip) end
if #found > 0 then
  local reply = {'verify', ''}
  for i = 1, #found do reply[#reply + 1] = found[i] end
  return reply
end
if (mode == 'commit' or mode == 'force') and arg ~= '' and redis.call('EXISTS', prefix .. 'item:' .. arg) == 1 then
  local reply = join(arg, 'near')
  remember(arg)
  return reply
end
return enqueue_new()
