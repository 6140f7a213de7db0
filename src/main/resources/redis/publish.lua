-- Publishes one realtime-gateway event: appends it to the channel's history stream and fans it
-- out on the channel's pub/sub channel, atomically, so history order is wire order and the event
-- id is the stream entry id. Any worker can call it (EVALSHA / EVAL); see docs/redis.md.
--
-- KEYS[1]  history stream   rt:h:{<channel>}   (braces literal: a Redis Cluster hash tag)
-- KEYS[2]  pub/sub channel  rt:c:{<channel>}
-- ARGV[1]  channel name, e.g. job:42
-- ARGV[2]  event type, [A-Za-z0-9_.:-]{1,64}
-- ARGV[3]  data: a JSON object, e.g. {"jobId":"42","frame":3}; not parsed here (the gateway
--          validated it, a worker must send a valid object)
-- ARGV[4]  history length to keep (XADD MAXLEN ~)
-- ARGV[5]  history TTL in seconds, refreshed on every write
-- ARGV[6]  PUBLISH (default) or SPUBLISH (sharded pub/sub, Redis Cluster 7+)
-- Returns  {id, envelope JSON}
local channel, etype, data = ARGV[1], ARGV[2], ARGV[3]
if string.sub(KEYS[1], -(#channel + 2)) ~= '{' .. channel .. '}'
        or string.sub(KEYS[2], -(#channel + 2)) ~= '{' .. channel .. '}' then
    return redis.error_reply('ERR keys do not name channel ' .. channel)
end
-- The envelope is assembled by concatenation, so nothing in a name may need JSON escaping.
if not string.match(channel, '^[%w_.@:%-]+$') or #channel > 255 then
    return redis.error_reply('ERR bad_channel')
end
if #etype > 64 or not string.match(etype, '^[%w_.:%-]+$') then
    return redis.error_reply('ERR bad_type: must match [A-Za-z0-9_.:-]{1,64}')
end
if string.sub(data, 1, 1) ~= '{' or string.sub(data, -1) ~= '}' then
    return redis.error_reply('ERR bad_data: data must be a JSON object')
end
local publish = ARGV[6]
if publish == nil or publish == '' then publish = 'PUBLISH' end
if publish ~= 'PUBLISH' and publish ~= 'SPUBLISH' then
    return redis.error_reply('ERR ARGV[6] must be PUBLISH or SPUBLISH')
end

local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[4], '*', 't', etype, 'd', data)
redis.call('EXPIRE', KEYS[1], ARGV[5])

-- ts is the id's milliseconds in ISO-8601 UTC (days to civil date: H. Hinnant's algorithm), so
-- the envelope can be rebuilt byte for byte from the stream entry.
local ms = tonumber(string.match(id, '^(%d+)-'))
local secs = math.floor(ms / 1000)
local days = math.floor(secs / 86400)
local rem = secs - days * 86400
local z = days + 719468
local era = math.floor(z / 146097)
local doe = z - era * 146097
local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
local mp = math.floor((5 * doy + 2) / 153)
local day = doy - math.floor((153 * mp + 2) / 5) + 1
local month = mp < 10 and mp + 3 or mp - 9
local year = yoe + era * 400 + (month <= 2 and 1 or 0)
local ts = string.format('%04d-%02d-%02dT%02d:%02d:%02d.%03dZ', year, month, day,
        math.floor(rem / 3600), math.floor((rem % 3600) / 60), rem % 60, ms - secs * 1000)

local envelope = '{"id":"' .. id .. '","channel":"' .. channel .. '","type":"' .. etype
        .. '","ts":"' .. ts .. '","data":' .. data .. '}'
redis.call(publish, KEYS[2], envelope)
return {id, envelope}
