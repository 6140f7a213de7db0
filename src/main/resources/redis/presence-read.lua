-- Reads a channel's presence (DESIGN §11), first removing the members whose expiry passed (their
-- instance stopped refreshing them: it crashed or lost Redis) and announcing each one's leave once:
-- the removal and the announcement are one atomic step, so two instances sweeping at once cannot
-- both announce it.
--
-- KEYS[1]  members hash        rt:p:{<channel>}
-- KEYS[2]  expiry sorted set   rt:pe:{<channel>}
-- KEYS[3]  pub/sub channel     rt:c:{<channel>}
-- ARGV[1]  "sweep" (answers how many expired), "page" or "stats"
-- ARGV[2]  PUBLISH or SPUBLISH
-- ARGV[3]  "1": announce the leaves; "0": do not
-- ARGV[4]  page: the last member id of the previous page ("" for the first)
-- ARGV[5]  page: members to return at most
-- page answers {member JSON..., next}: next is the cursor of the next page, "" when this is the last.
-- stats answers {connections, distinct users}.
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local publish, announce = ARGV[2], ARGV[3] == '1'
if publish ~= 'PUBLISH' and publish ~= 'SPUBLISH' then
    return redis.error_reply('ERR ARGV[2] must be PUBLISH or SPUBLISH')
end
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ms, 'LIMIT', 0, 1000)
for _, id in ipairs(expired) do
    local json = redis.call('HGET', KEYS[1], id)
    redis.call('ZREM', KEYS[2], id)
    if json then
        redis.call('HDEL', KEYS[1], id)
        if announce then redis.call(publish, KEYS[3], 'presence leave ' .. id .. ' ' .. json) end
    end
end
local mode = ARGV[1]
if mode == 'sweep' then
    return #expired
end
if mode == 'stats' then
    local values = redis.call('HVALS', KEYS[1])
    local users, distinct = {}, 0
    for _, json in ipairs(values) do
        local ok, member = pcall(cjson.decode, json)
        local user = ok and member.user or nil
        if type(user) == 'string' and not users[user] then
            users[user] = true
            distinct = distinct + 1
        end
    end
    return {#values, distinct}
end
-- A page in member id order from the cursor: ids are random, so the order is stable and fair.
local after, limit = ARGV[4], tonumber(ARGV[5])
local ids = redis.call('HKEYS', KEYS[1])
table.sort(ids)
local page, last = {}, ''
for _, id in ipairs(ids) do
    if id > after then
        if #page == limit then
            return (function() page[#page + 1] = last; return page end)()
        end
        page[#page + 1] = redis.call('HGET', KEYS[1], id)
        last = id
    end
end
page[#page + 1] = ''
return page
