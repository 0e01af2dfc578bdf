import { defineScript } from './redis-script.js';

/** Redis keys of one lock. The ticket counter is global, so it never needs to expire. */
export function lockKeys(prefix: string, key: string) {
  return {
    lock: `${prefix}lock:${key}`,
    queue: `${prefix}lock-queue:${key}`,
    alive: `${prefix}lock-alive:${key}`,
    ticket: `${prefix}lock-seq:ticket`,
  };
}

/**
 * One waiter's turn. A free lock nobody waits for is granted at once (the usual case: three commands
 * instead of fourteen). Otherwise: join the queue (scored by a global ticket, so FIFO across processes) unless
 * already in it, renew its heartbeat, drop waiters whose heartbeat ran out (crashed processes),
 * and grant the lock when it is free and this waiter is at the head of the queue.
 * KEYS: lock, queue, alive, ticket, and optionally a key to read at grant time.
 * ARGV: token, ttlMs, heartbeatMs. Returns {1, value of the read key} when granted, {0} otherwise: the holder gets what it needs first (its conversation's cached context) in the same
 * round trip.
 */
export const pollLock = defineScript(`
local lock, queue, alive, ticket = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local token, heartbeat = ARGV[1], tonumber(ARGV[3])
if redis.call('EXISTS', lock, queue) == 0 then
  redis.call('SET', lock, token, 'PX', ARGV[2])
  if KEYS[5] then return {1, redis.call('GET', KEYS[5])} end
  return {1}
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
if not redis.call('ZSCORE', queue, token) then
  redis.call('ZADD', queue, redis.call('INCR', ticket), token)
end
redis.call('ZADD', alive, now + heartbeat, token)
for _, dead in ipairs(redis.call('ZRANGEBYSCORE', alive, '-inf', now)) do
  redis.call('ZREM', queue, dead)
  redis.call('ZREM', alive, dead)
end
redis.call('PEXPIRE', queue, heartbeat * 2)
redis.call('PEXPIRE', alive, heartbeat * 2)
if redis.call('EXISTS', lock) == 1 then return {0} end
if redis.call('ZRANGE', queue, 0, 0)[1] ~= token then return {0} end
redis.call('ZREM', queue, token)
redis.call('ZREM', alive, token)
redis.call('SET', lock, token, 'PX', ARGV[2])
if KEYS[5] then return {1, redis.call('GET', KEYS[5])} end
return {1}`);

/** KEYS: lock. ARGV: token, ttlMs. 1 when the lock was still ours and got a new TTL. */
export const renewLock = defineScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0`);

/** KEYS: lock. ARGV: token. Deletes the lock only while it is still ours. */
export const releaseLock = defineScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0`);
