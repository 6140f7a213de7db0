-- Publishes one realtime-gateway event: appends it to the channel's history stream and fans it
-- out on the channel's pub/sub channel as "<id> <type> <data>", atomically, so history order is
-- wire order and the event id is the stream entry id. Any worker can call it (EVALSHA / EVAL); see
-- docs/redis.md.
--
-- KEYS[1]  history stream   rt:h:{<channel>}   (braces literal: a Redis Cluster hash tag)
-- KEYS[2]  pub/sub channel  rt:c:{<channel>}
-- ARGV[1]  channel name, e.g. job:42
-- ARGV[2]  event type, [A-Za-z0-9_.:-]{1,64}
-- ARGV[3]  data: a JSON object, e.g. {"jobId":"42","frame":3}, with no control characters (no raw
--          line breaks or tabs); parsed here, so nothing else enters the history
-- ARGV[4]  history length to keep (XADD MAXLEN ~)
-- ARGV[5]  history TTL in seconds, refreshed on every write
-- ARGV[6]  PUBLISH (default) or SPUBLISH (sharded pub/sub, Redis Cluster 7+)
-- KEYS[3]  optional: the publish's idempotency key, rt:i:{<channel>}:<key> (same slot as the
--          stream); with it, ARGV[7] is how long the key is kept, in seconds
-- Returns  the event id; for a publish whose idempotency key was already published within its
--          window, "dup <first id>", and nothing is published
local channel, etype, data = ARGV[1], ARGV[2], ARGV[3]
if string.sub(KEYS[1], -(#channel + 2)) ~= '{' .. channel .. '}'
        or string.sub(KEYS[2], -(#channel + 2)) ~= '{' .. channel .. '}' then
    return redis.error_reply('ERR keys do not name channel ' .. channel)
end
-- Names are written into the envelope as they are, so nothing in them may need JSON escaping.
if not string.match(channel, '^[%w_.@:%-]+$') or #channel > 255 then
    return redis.error_reply('ERR bad_channel')
end
if #etype > 64 or not string.match(etype, '^[%w_.:%-]+$') then
    return redis.error_reply('ERR bad_type: must match [A-Za-z0-9_.:-]{1,64}')
end
if string.sub(data, 1, 1) ~= '{' or string.sub(data, -1) ~= '}' then
    return redis.error_reply('ERR bad_data: data must be a JSON object')
end
-- Clients split WebSocket frames on newlines (several messages may share one frame); and a raw
-- control character inside a string is not JSON.
if string.find(data, '[%z\1-\31]') then
    return redis.error_reply('ERR bad_data: data must be compact JSON, without raw line breaks or control characters')
end
-- Whether every token outside strings is one JSON allows. cjson (below) checks the structure, but
-- it also takes NaN, Infinity, hex and leading zeros, which clients' JSON parsers refuse.
local function json_tokens(s)
    local i, n = 1, #s
    while i <= n do
        local c = string.sub(s, i, i)
        if c == '"' then
            local j = i + 1
            while true do
                j = string.find(s, '["\\]', j)
                if j == nil then return false end
                if string.sub(s, j, j) == '"' then break end
                j = j + 2
            end
            i = j + 1
        elseif c == ' ' or string.find('{}[]:,', c, 1, true) then
            i = i + 1
        elseif string.sub(s, i, i + 3) == 'true' or string.sub(s, i, i + 3) == 'null' then
            i = i + 4
        elseif string.sub(s, i, i + 4) == 'false' then
            i = i + 5
        else
            local int = string.match(s, '^%-?%d+', i)
            if int == nil or string.match(int, '^%-?0%d') then return false end
            i = i + #int
            local frac = string.match(s, '^%.%d+', i)
            if frac then i = i + #frac end
            local exp = string.match(s, '^[eE][%+%-]?%d+', i)
            if exp then i = i + #exp end
        end
    end
    return true
end
-- As the gateway refuses over HTTP: a number beyond a double's range (1e400) is not one either.
local function finite(v)
    if type(v) == 'number' then
        return v == v and v ~= math.huge and v ~= -math.huge
    elseif type(v) == 'table' then
        for _, x in pairs(v) do
            if not finite(x) then return false end
        end
    end
    return true
end
local parsed, value = false, nil
if json_tokens(data) then
    parsed, value = pcall(cjson.decode, data)
end
if not parsed or not finite(value) then
    return redis.error_reply('ERR bad_data: data must be a JSON object')
end
local publish = ARGV[6]
if publish == nil or publish == '' then publish = 'PUBLISH' end
if publish ~= 'PUBLISH' and publish ~= 'SPUBLISH' then
    return redis.error_reply('ERR ARGV[6] must be PUBLISH or SPUBLISH')
end

local idem = KEYS[3]
if idem ~= nil then
    if string.find(idem, '{' .. channel .. '}:', 1, true) == nil then
        return redis.error_reply('ERR KEYS[3] does not name channel ' .. channel)
    end
    local first = redis.call('GET', idem)
    if first then
        return 'dup ' .. first
    end
end

local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[4], '*', 't', etype, 'd', data)
redis.call('EXPIRE', KEYS[1], ARGV[5])
-- The message carries the entry's parts; every gateway writes the same envelope from them.
redis.call(publish, KEYS[2], id .. ' ' .. etype .. ' ' .. data)
if idem ~= nil then
    redis.call('SET', idem, id, 'EX', ARGV[7])
end
return id
