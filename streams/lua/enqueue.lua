-- Enqueue triaged messages, idempotently, folding reposts into the first item's duplicate cluster, each in one
-- atomic step (Redis >= 6.2, Redis Cluster safe: every key shares the deployment's {prefix} hash tag).
-- streams/queues.py prepends desk.lua: a new item's "enqueued" audit entry is written by this same call.
-- One call enqueues a chunk of messages, one after the other (streams/dedupe.py sends a round of a batch in
-- chunks): per-call overhead (argument marshalling, the script's set-up) is paid once per chunk.
-- KEYS: 1 stats hash (every other key is built from the prefix: all share its {hash tag})
-- ARGV: 1 key prefix, 2 now (ms), 3 settings "identity ttl (s),window (s),window slots,refs kept per LSH
--       bucket,max candidates returned,max sample texts,authors ttl (s),item audit maxlen,global audit
--       maxlen,prefilter (1: drop candidates whose numbers or anchors surely contradict the message's)",
--       4 batch token, then 13 arguments per message:
--       item id, record coordinate (topic/partition/offset), fingerprint or "", queue score (arrival ms),
--       queue name, network, author id, mode, mode argument, mode argument 2 (see below), near-duplicate
--       entry ("priority<TAB>form", "" when the message has no sketch), the LSH band keys (4 bytes each, end
--       to end), the new item's fields (a JSON array of strings [field, value, field, value, ...]).
--       Window entries filed by the same batch (same token) are never candidates: the caller compared the
--       batch's messages with each other before (plan_batch in classifiers/neardup_cluster.py).
-- Returns one reply per message, in order (below).
-- Modes:
--   first   look for the message's twin: an exact repost folds at once; with no near-duplicate candidate the
--           message is enqueued; otherwise the candidates are returned for the caller to compare
--   commit  the caller compared the candidates: fold into the item named by the mode argument, or enqueue
--           when it is ""; if candidates filed after mode argument 2 (from the verify reply) by another worker
--           have appeared meanwhile, they are returned instead and nothing changes (optimistic concurrency:
--           lookup and change are one atomic step)
--   force   commit without looking for new candidates (after many rounds of racing workers)
--   follow  fold into the cluster of the message named by the mode argument (an identity, "network:id"), an
--           earlier message of the same batch; mode argument 2 is "exact" or "near". Returns {'pending'} while that message has no item yet
-- A message's reply is {outcome, item id, ...}; outcome is
--   replay       the same Kafka record again (a worker restart): nothing changes
--   redelivery   the same network message in another record (a webhook retry): counted, nothing queued
--   folded       an exact repost: joins the cluster   } followed by dup_count, authors, priority, category,
--   folded_near  a near-duplicate: joins the cluster  } state, queue of the cluster's item
--   enqueued     a new item in its queue
--   verify       {'verify', "last ref:slot:refs of this batch", ref, "item<TAB>priority<TAB>form<TAB>token",
--                ...}: candidates to compare (the best ones by shared bands, at most "max candidates", less
--                those whose numbers or anchors contradict the message's), and where the window was when they
--                were read
--   pending      (follow) the earlier message is not enqueued yet
--
-- Near-duplicate window, in time slots of window/slots ms (a message stays findable for at least the window,
-- at most one slot longer; every slot's keys expire by themselves; streams/dedupe.py's SLOTS says how many):
--   {p}:nd:b2:<slot>  hash: LSH band key -> the last refs filed under it in that slot, end to end, each its
--                     number in 10 hex digits ("000000000c0000000028"; no separator to parse)
--   {p}:nd:f2:<slot>  hash: ref -> "item<TAB>priority<TAB>form<TAB>batch token" (the cluster it joined, and
--                     what to compare)
--   ("b2"/"f2": the second layout; a window of the first, "nd:b:" with comma lists, is not read and expires)
--   {p}:nd:seq        counter of refs
--   {p}:nd:tok:<t>    refs filed by batch t (an hour)
--   {p}:authors:<id>  HyperLogLog of the cluster's distinct authors
local stats, prefix, now = KEYS[1], ARGV[1], tonumber(ARGV[2])
local conf = {}
for v in string.gmatch(ARGV[3], '[^,]+') do conf[#conf + 1] = tonumber(v) end
local id_ttl, window, slots, cap, max_candidates, max_samples, authors_ttl, item_maxlen, all_maxlen, prefilter =
  unpack(conf)
prefilter = prefilter ~= 0
local token = ARGV[4]
local window_ms = window * 1000
local slot_ms = math.max(1, math.floor(window_ms / slots))
local slot = math.floor(now / slot_ms)
local expire_at = (slot + 1) * slot_ms + window_ms  -- of this slot's window keys
-- the window's slots, newest first: their keys, named once per call, and whether anything is filed there (a
-- slot with nothing in it is not read: one EXISTS per call instead of one HMGET per lookup)
local first_slot = math.floor((now - window_ms) / slot_ms)
local bucket_keys, form_keys, filled = {}, {}, {}
for s = slot, first_slot, -1 do
  bucket_keys[s], form_keys[s] = prefix .. 'nd:b2:' .. s, prefix .. 'nd:f2:' .. s
  filled[s] = redis.call('EXISTS', bucket_keys[s]) == 1
end
local remembered = false
local REF = 10  -- characters of a ref in a bucket (hex: a trillion refs)
local counted = {}  -- stats counters, added to the stats hash once, after the chunk
local function count(field)
  counted[field] = (counted[field] or 0) + 1
end

-- What the prefilter reads of an encoded form s[i..j] (classifiers/neardup_form.py: tokens separated by single
-- spaces, anchors prefixed with "^"; numbers are always anchors): its numbers, as a multiset {number = count}
-- and how many, and its names and places as probes (the first four letters of a word, or the word if shorter).
-- Only anchors of ASCII digits, or starting with letters a-z, are read (Python's isdigit and its letters take
-- other scripts too): the prefilter sees a part of each form's anchors, so it only says "apart" where
-- classifiers.neardup.compare would.
local function anchors_of(s, i, j)
  local numbers, n, probes = {}, 0, {}
  local p = string.find(s, '^', i, true)
  while p and p < j do
    local e = string.find(s, ' ', p + 1, true)
    if not e or e > j then e = j + 1 end
    local b = string.byte(s, p + 1)
    if b >= 48 and b <= 57 then
      local word = string.sub(s, p + 1, e - 1)
      if not string.find(word, '%D') then
        numbers[word] = (numbers[word] or 0) + 1
        n = n + 1
      end
    elseif b >= 97 and b <= 122 then
      local probe = string.sub(s, p + 1, math.min(p + 4, e - 1))
      if not string.find(probe, '[^a-z]') then probes[#probes + 1] = probe end
    end
    p = string.find(s, '^', e, true)
  end
  return numbers, n, probes
end

-- Do two multisets of numbers contradict each other? As compare's first test: neither contains the other
-- ("on est 15" / "on est 5"; one may drop "21h30").
local function numbers_apart(a, a_n, b, b_n)
  if a_n > b_n then a, b = b, a end
  for number, count in pairs(a) do
    if (b[number] or 0) < count then return true end
  end
  return false
end

-- Is a word of `probes` (see anchors_of) surely missing from the text `other`, spelling variants included?
-- As classifiers.neardup's _unmatched_anchor with Form.has_word, conservatively: a word counts as present
-- when its probe is anywhere in `other` (a variant of a word of 4+ letters starts with the same four; a
-- shorter word must be there as it is).
local function unmatched_anchor(probes, other)
  for _, probe in ipairs(probes) do
    if not string.find(other, probe, 1, true) then return true end
  end
  return false
end

-- Would classifiers.neardup.compare surely keep the message (`own`: its anchors_of, and its `entry`) apart
-- from the form s[i..j] (s: a window value)? Their numbers contradict, or each has a name or place the other
-- lacks ("rue de Charonne" / "rue de la Roquette").
local function surely_apart(own, s, i, j)
  local numbers, n, probes = anchors_of(s, i, j)
  if own.n > 0 and n > 0 and numbers_apart(own.numbers, own.n, numbers, n) then return true end
  return #own.probes > 0 and #probes > 0 and unmatched_anchor(probes, own.entry)
    and unmatched_anchor(own.probes, s)
end

local function one(item_id, coord, fp, score, queue, network, author, mode, arg, seen_arg, entry, packed_bands,
                     fields_json)
  local id_key, item_key = prefix .. 'id:' .. item_id, prefix .. 'item:' .. item_id
  local queue_key = prefix .. 'q:' .. queue
  local nbands = math.floor(#packed_bands / 4)
  local bands = {}
  for i = 1, nbands do bands[i] = string.sub(packed_bands, 4 * i - 3, 4 * i) end

  -- A redelivery is counted once per record that carries it: replaying that record later is a no-op too.
  local function redelivery(first)
    if not redis.call('SET', prefix .. 'rec:' .. coord .. '|' .. item_id, '1', 'NX', 'EX', id_ttl) then
      return {'replay', first}
    end
    count('duplicates_redelivery')
    return {'redelivery', first}
  end

  local seen = redis.call('GET', id_key)
  if seen then
    local sep = string.find(seen, '|', 1, true)
    if string.sub(seen, 1, sep - 1) == coord then
      return {'replay', string.sub(seen, sep + 1)}
    end
    return redelivery(string.sub(seen, sep + 1))
  end
  if redis.call('EXISTS', item_key) == 1 then
    -- identity forgotten (ttl) but the item is still kept: still the same message
    redis.call('SET', id_key, coord .. '|' .. item_id, 'EX', id_ttl)
    return redelivery(item_id)
  end

  -- The current slot's buckets of the message's bands, when candidates() read them in this step (nothing
  -- writes them in between): remember() appends to them without reading them again.
  local slot_read = nil

  -- File this message in the window under its band keys, as a member of cluster `first`.
  local function remember(first)
    if entry == '' then return end
    local ref = string.format('%010x', redis.call('INCR', prefix .. 'nd:seq'))
    if redis.call('INCR', prefix .. 'nd:tok:' .. token) == 1 then  -- this batch's refs, counted (see commit)
      redis.call('EXPIRE', prefix .. 'nd:tok:' .. token, 3600)
    end
    local bkey, fkey = bucket_keys[slot], form_keys[slot]
    redis.call('HSET', fkey, ref, first .. '\t' .. entry .. '\t' .. token)
    local current = slot_read or redis.call('HMGET', bkey, unpack(bands))
    local pairs_, keep = {}, (cap - 1) * REF  -- a bucket keeps the cap - 1 most recent refs, then this one
    for i = 1, nbands do
      local refs = current[i]
      if refs and keep > 0 then
        refs = (#refs > keep and string.sub(refs, -keep) or refs) .. ref
      else
        refs = ref
      end
      pairs_[#pairs_ + 1] = bands[i]
      pairs_[#pairs_ + 1] = refs
    end
    redis.call('HSET', bkey, unpack(pairs_))
    remembered, filled[slot] = true, true  -- the slot's keys get their expiry once, after the chunk
  end

  -- Candidates in the window: refs sharing a band key, most shared bands first, filed after ref `after` and
  -- not by this batch, and not surely apart from the message (surely_apart). Returns a flat list ref,
  -- "item<TAB>priority<TAB>form<TAB>token", ... (an item dropped meanwhile is seen at commit: folding into it
  -- enqueues a new item instead)
  local function candidates(after, since_slot)
    if entry == '' or nbands == 0 then return {} end
    local own = {entry = entry}
    own.numbers, own.n, own.probes = anchors_of(entry, string.find(entry, '\t', 1, true) + 1, #entry)
    local hits, where, order = {}, {}, {}
    local oldest = math.max(first_slot, since_slot)
    for s = slot, oldest, -1 do  -- newest slot first: on equal hits the most recent ref wins
      local found = filled[s] and redis.call('HMGET', bucket_keys[s], unpack(bands)) or {}
      if s == slot then slot_read = found end
      for i = 1, #found do
        local refs = found[i]
        if refs then
          for k = 1, #refs, REF do
            local r = string.sub(refs, k, k + REF - 1)
            if after == 0 or tonumber(r, 16) > after then
              if not hits[r] then hits[r] = 0; where[r] = s; order[#order + 1] = r end
              hits[r] = hits[r] + 1
            end
          end
        end
      end
    end
    -- most shared bands first, then newest first (the order they were found in): a bucket per count
    local by_hits = {}
    for _, r in ipairs(order) do
      local h = hits[r]
      if not by_hits[h] then by_hits[h] = {} end
      local list = by_hits[h]
      list[#list + 1] = r
    end
    -- the best 2 × max candidates (entries of this batch are skipped below), by slot
    local chosen, per_slot = 0, {}
    for h = nbands, 1, -1 do
      for _, r in ipairs(by_hits[h] or {}) do
        if chosen >= 2 * max_candidates then break end
        chosen = chosen + 1
        local s = where[r]
        if not per_slot[s] then per_slot[s] = {} end
        local list = per_slot[s]
        list[#list + 1] = r
      end
    end
    -- the first max candidates not of this batch, newest slot first, are the ones compared; those surely
    -- apart from the message (surely_apart: the comparison would reject them) are not returned. Their forms
    -- are read in steps: the first max candidates, then as many more as were of this batch.
    local ordered = {}
    for s = slot, oldest, -1 do
      for _, r in ipairs(per_slot[s] or {}) do ordered[#ordered + 1] = r end
    end
    local out, taken, mine, k = {}, 0, '\t' .. token, 1  -- a value filed by this batch ends with its token
    while taken < max_candidates and k <= #ordered do
      local stop = math.min(#ordered, k + max_candidates - taken - 1)
      while k <= stop do  -- ordered[k..stop], one HMGET per slot (they are in slot order)
        local s, refs = where[ordered[k]], {}
        while k <= stop and where[ordered[k]] == s do
          refs[#refs + 1] = ordered[k]
          k = k + 1
        end
        local values = redis.call('HMGET', form_keys[s], unpack(refs))
        for i = 1, #values do
          local value = values[i]
          if value and not string.find(value, mine, #value - #mine + 1, true) then
            taken = taken + 1
            local a = string.find(value, '\t', string.find(value, '\t', 1, true) + 1, true)
            if not (prefilter and surely_apart(own, value, a + 1, #value - #mine)) then
              out[#out + 1] = refs[i]
              out[#out + 1] = value  -- "item<TAB>priority<TAB>form<TAB>token": split by the caller
            end
          end
        end
      end
    end
    return out
  end

  -- Fold this message into the cluster of item `first` (kind: 'exact' or 'near'). A resolved item stays
  -- resolved: the repost is counted against it (one public answer to everybody), never queued again.
  local function join(first, kind)
    local key = prefix .. 'item:' .. first
    local dup_count, networks, state, samples, priority, category, queue, after_resolve = unpack(redis.call(
      'HMGET', key, 'dup_count', 'networks', 'state', 'samples', 'priority', 'category', 'queue', 'after_resolve'))
    dup_count = (tonumber(dup_count) or 1) + 1
    local update = {'dup_count', dup_count, 'last_seen', now}
    networks = networks or ''
    if not string.find(',' .. networks .. ',', ',' .. network .. ',', 1, true) then
      update[#update + 1] = 'networks'
      update[#update + 1] = networks .. ',' .. network
    end
    local authors_key = prefix .. 'authors:' .. first
    if author ~= '' then redis.call('PFADD', authors_key, author) end
    redis.call('EXPIRE', authors_key, authors_ttl)
    local authors = redis.call('PFCOUNT', authors_key)
    update[#update + 1] = 'authors'
    update[#update + 1] = authors
    if kind == 'near' and max_samples > 0 then
      local list = samples and cjson.decode(samples) or {}
      if #list < max_samples then
        local fields = cjson.decode(fields_json)
        for i = 1, #fields, 2 do
          if fields[i] == 'text' then list[#list + 1] = fields[i + 1] end
        end
        update[#update + 1] = 'samples'
        update[#update + 1] = cjson.encode(list)
      end
    end
    if state == 'resolved' then
      update[#update + 1] = 'after_resolve'
      update[#update + 1] = (tonumber(after_resolve) or 0) + 1
      count('duplicates_after_resolve')
    end
    redis.call('HSET', key, unpack(update))
    if fp ~= '' then
      redis.call('SET', prefix .. 'fp:' .. fp, first, 'EX', window)  -- sliding: its next exact repost folds too
    end
    redis.call('SET', id_key, coord .. '|' .. first, 'EX', id_ttl)
    count(kind == 'exact' and 'duplicates_exact' or 'duplicates_near')
    return {kind == 'exact' and 'folded' or 'folded_near', first, dup_count, authors, priority or '',
            category or '', state or '', queue or ''}
  end

  local function enqueue_new()
    local fields = cjson.decode(fields_json)
    local queue, priority, category = '', '', ''
    for i = 1, #fields, 2 do
      local f = fields[i]
      if f == 'queue' then queue = fields[i + 1] elseif f == 'priority' then priority = fields[i + 1]
      elseif f == 'category' then category = fields[i + 1] end
    end
    redis.call('HSET', item_key, 'state', 'queued', 'dup_count', 1, 'networks', network, 'authors', 1,
      'first_seen', now, 'last_seen', now, 'score', score, 'audited', 1, unpack(fields))
    if author ~= '' then
      local authors_key = prefix .. 'authors:' .. item_id
      redis.call('PFADD', authors_key, author)
      redis.call('EXPIRE', authors_key, authors_ttl)
    end
    redis.call('ZADD', queue_key, score, item_id)
    redis.call('SET', id_key, coord .. '|' .. item_id, 'EX', id_ttl)
    if fp ~= '' then redis.call('SET', prefix .. 'fp:' .. fp, item_id, 'EX', window) end
    count('enqueued')
    audit(prefix, item_id, item_maxlen, all_maxlen, 'event', 'enqueued', 'at', now, 'agent', '',
      'queue', queue, 'priority', priority, 'category', category)
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

  -- commit: only refs filed after the first read can be new, and only in slots from that read's on; and when
  -- every ref filed since is this batch's own (none of them is a candidate), there is nothing to look at
  local after, since_slot, mine_then = 0, -1, 0
  if mode == 'commit' then
    local a, b, c = string.match(seen_arg, '^(%d+):(%d+):(%d+)$')
    after, since_slot, mine_then = tonumber(a) or 0, tonumber(b) or -1, tonumber(c) or 0
  end
  local counters = redis.call('MGET', prefix .. 'nd:seq', prefix .. 'nd:tok:' .. token)
  local seq, mine = tonumber(counters[1] or '0'), tonumber(counters[2] or '0')
  local found = {}
  if mode == 'first' or (mode == 'commit' and seq - after ~= mine - mine_then) then
    found = candidates(after, since_slot)
  end
  local last = seq .. ':' .. slot .. ':' .. mine
  if #found > 0 then
    local reply = {'verify', last}
    for i = 1, #found do reply[#reply + 1] = found[i] end
    return reply
  end
  if (mode == 'commit' or mode == 'force') and arg ~= '' and redis.call('EXISTS', prefix .. 'item:' .. arg) == 1 then
    local reply = join(arg, 'near')
    remember(arg)
    return reply
  end
  return enqueue_new()
end

-- A message that fails (a bug: the caller's arguments are checked) stops the chunk; what the messages before
-- it changed is kept (Redis does not roll a script back), so their counters and expiries are written all the
-- same, and the error names the message.
local replies, per, failed = {}, 13, nil
for i = 5, #ARGV, per do
  local ok, reply = pcall(one, unpack(ARGV, i, i + per - 1))
  if not ok then
    failed = type(reply) == 'table' and reply.err or tostring(reply)
    break
  end
  replies[#replies + 1] = reply
end
for field, n in pairs(counted) do redis.call('HINCRBY', stats, field, n) end
if remembered then
  redis.call('PEXPIREAT', bucket_keys[slot], expire_at)
  redis.call('PEXPIREAT', form_keys[slot], expire_at)
end
if failed then
  return redis.error_reply('enqueue failed at message ' .. (#replies + 1) .. ' (' .. ARGV[5 + #replies * per] ..
    ') of the chunk, after ' .. #replies .. ' applied: ' .. failed)
end
return replies
