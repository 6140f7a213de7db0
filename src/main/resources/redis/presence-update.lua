-- Applies a batch of presence changes to one channel (DESIGN §11), atomically, in one round trip.
--
-- KEYS[1]  members hash        rt:p:{<channel>}   member id -> member JSON
-- KEYS[2]  expiry sorted set   rt:pe:{<channel>}  member id -> expiry (ms, Redis' clock)
-- KEYS[3]  pub/sub channel     rt:c:{<channel>}   where join / leave are announced
-- ARGV[1]  member TTL in ms: each join (or refresh) moves the member's expiry to now + TTL
-- ARGV[2]  PUBLISH or SPUBLISH
-- ARGV[3]  "1": announce joins and leaves on KEYS[3]; "0": do not
-- ARGV[4..] triples: op ("j" join or refresh, "l" leave), member id, member JSON
-- Announces "presence join <id> <json>" for a member that was not there, "presence leave <id>
-- <json>" for one that was: a refresh of a member already present says nothing, so every
-- appearance is announced once and every disappearance once.
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local ttl = tonumber(ARGV[1])
local publish, announce = ARGV[2], ARGV[3] == '1'
if publish ~= 'PUBLISH' and publish ~= 'SPUBLISH' then
    return redis.error_reply('ERR ARGV[2] must be PUBLISH or SPUBLISH')
end
local changed = 0
for i = 4, #ARGV, 3 do
    local op, id, json = ARGV[i], ARGV[i + 1], ARGV[i + 2]
    if op == 'j' then
        local new = redis.call('HSET', KEYS[1], id, json)
        redis.call('ZADD', KEYS[2], ms + ttl, id)
        if new == 1 then
            changed = changed + 1
            if announce then redis.call(publish, KEYS[3], 'presence join ' .. id .. ' ' .. json) end
        end
    elseif op == 'l' then
        redis.call('ZREM', KEYS[2], id)
        if redis.call('HDEL', KEYS[1], id) == 1 then
            changed = changed + 1
            if announce then redis.call(publish, KEYS[3], 'presence leave ' .. id .. ' ' .. json) end
        end
    else
        return redis.error_reply('ERR unknown presence op ' .. tostring(op))
    end
end
-- The keys outlive their last refresh by one TTL: a channel every instance forgot goes by itself.
local seconds = math.ceil(ttl / 1000) * 2
redis.call('PEXPIRE', KEYS[1], seconds * 1000)
redis.call('PEXPIRE', KEYS[2], seconds * 1000)
return changed
