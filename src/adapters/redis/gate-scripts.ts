/**
 * Lua scripts of the Redis gate store. Redis runs a script atomically, so the state checks a click depends on
 * (still pending, not overdue, same plan, this person's approval not yet counted) and the write that follows
 * cannot interleave with another click, from this connection, another one or another bot replica.
 */

/**
 * Decides or counts one click.
 * KEYS: gate hash, due index. ARGV: now, plan hash, choice, user, approval JSON, decision JSON, gate id,
 * retention ms for a settled gate, key prefix. The run index's key is derived from the prefix and the gate's run
 * (as EXPIRE_DUE_LUA does), so this script assumes a single Redis (no cluster).
 * Returns `{outcome, HGETALL}` where outcome is `decided`, `recorded` or a refusal code.
 */
export const DECIDE_LUA = `
local gate = KEYS[1]
local status = redis.call('HGET', gate, 'status')
if not status then return {'UNKNOWN_GATE', {}} end
if status == 'decided' then return {'ALREADY_DECIDED', redis.call('HGETALL', gate)} end
if status == 'expired' then return {'EXPIRED', redis.call('HGETALL', gate)} end
if tonumber(ARGV[1]) >= tonumber(redis.call('HGET', gate, 'expiresAt')) then
  return {'EXPIRED', redis.call('HGETALL', gate)}
end
if redis.call('HGET', gate, 'planHash') ~= ARGV[2] then return {'PLAN_CHANGED', redis.call('HGETALL', gate)} end
local settle = true
if ARGV[3] == 'approve' then
  local mark = 'approved:' .. ARGV[4]
  if redis.call('HEXISTS', gate, mark) == 1 then return {'ALREADY_APPROVED', redis.call('HGETALL', gate)} end
  local approvals = redis.call('HGET', gate, 'approvals')
  if approvals == '[]' then
    approvals = '[' .. ARGV[5] .. ']'
  else
    approvals = string.sub(approvals, 1, -2) .. ',' .. ARGV[5] .. ']'
  end
  local count = redis.call('HINCRBY', gate, 'count', 1)
  redis.call('HSET', gate, mark, '1', 'approvals', approvals)
  settle = count >= tonumber(redis.call('HGET', gate, 'needed'))
end
if not settle then return {'recorded', redis.call('HGETALL', gate)} end
redis.call('HSET', gate, 'status', 'decided', 'decision', ARGV[6])
redis.call('ZREM', KEYS[2], ARGV[7])
redis.call('ZREM', ARGV[9] .. 'run-gates:' .. redis.call('HGET', gate, 'runId'), ARGV[7])
redis.call('PEXPIRE', gate, ARGV[8])
return {'decided', redis.call('HGETALL', gate)}
`;

/**
 * Marks overdue pending gates expired, at most ARGV[3] of them per call, and returns their hashes.
 * KEYS: due index. ARGV: now, key prefix, batch size, retention ms.
 * The gate and run-index keys are derived from the prefix, so this script assumes a single Redis (no cluster).
 */
export const EXPIRE_DUE_LUA = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  local gate = ARGV[2] .. 'gate:' .. id
  if redis.call('HGET', gate, 'status') == 'pending' then
    redis.call('HSET', gate, 'status', 'expired')
    redis.call('ZREM', ARGV[2] .. 'run-gates:' .. redis.call('HGET', gate, 'runId'), id)
    redis.call('PEXPIRE', gate, ARGV[4])
    table.insert(out, redis.call('HGETALL', gate))
  end
end
return out
`;
