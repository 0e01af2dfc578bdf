import type { Redis } from 'ioredis';

/** A glob that matches `text` literally: Redis' MATCH treats `* ? [ ] \` as pattern syntax. */
const literal = (text: string) => text.replace(/[*?[\]\\]/g, '\\$&');

/**
 * Deletes every key under `prefix` that contains `fragment`, walking the keyspace with SCAN (which
 * never blocks the server the way KEYS does) and UNLINK (freed in the background).
 */
export async function deleteMatching(redis: Redis, prefix: string, fragment: string): Promise<number> {
  const match = `${literal(prefix)}*${literal(fragment)}*`;
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', match, 'COUNT', 1000);
    if (keys.length > 0) deleted += await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
  return deleted;
}
