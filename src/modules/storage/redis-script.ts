import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export type ScriptResult = number | string | null | (number | string | null)[];

/** A Lua script sent once per server (EVALSHA), re-sent after a restart or SCRIPT FLUSH. */
export function defineScript(source: string) {
  const sha = createHash('sha1').update(source).digest('hex');
  return async (redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<ScriptResult> => {
    try {
      return (await redis.evalsha(sha, keys.length, ...keys, ...args)) as ScriptResult;
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return (await redis.eval(source, keys.length, ...keys, ...args)) as ScriptResult;
    }
  };
}
