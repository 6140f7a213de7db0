-- Reads a channel's history for a resume, atomically with the facts needed to tell whether it is
-- complete. Used by the gateway; documented in docs/redis.md.
--
-- KEYS[1]  history stream rt:h:{<channel>}
-- ARGV[1]  resume after this id (exclusive), or '' for the position only
-- ARGV[2]  history TTL in seconds
-- Returns  {last-generated-id, first entry id or '', length, entries after ARGV[1]}
--
-- A channel that has no stream (never written, expired, or lost with a Redis restart) gets one
-- holding a birth marker entry (field b), so that it has a position to hand out: a client that
-- resumes from it later either finds it in the stream or learns that the stream was lost since.
if redis.call('EXISTS', KEYS[1]) == 0 then
    redis.call('XADD', KEYS[1], '*', 'b', '1')
end
-- Keeps a stream that is read alive as long as one that is written.
redis.call('EXPIRE', KEYS[1], ARGV[2])

local info = redis.call('XINFO', 'STREAM', KEYS[1])
local top, first, length = '', '', 0
for i = 1, #info, 2 do
    local field = info[i]
    if field == 'last-generated-id' then
        top = info[i + 1]
    elseif field == 'length' then
        length = info[i + 1]
    elseif field == 'first-entry' and type(info[i + 1]) == 'table' then
        first = info[i + 1][1]
    end
end

local entries = {}
local since = ARGV[1]
if since ~= '' then
    -- Ids compared as zero-padded strings: their parts can exceed a Lua number's exact range.
    local function key(id)
        local ms, seq = string.match(id, '^(%d+)-(%d+)$')
        return string.rep('0', 20 - #ms) .. ms .. string.rep('0', 20 - #seq) .. seq
    end
    if key(since) < key(top) then
        entries = redis.call('XRANGE', KEYS[1], '(' .. since, '+')
    end
end
return {top, first, length, entries}
