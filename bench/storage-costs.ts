import { Redis } from 'ioredis';
import pg from 'pg';

/** Committed PostgreSQL transactions of the bench's database so far (every backend, background work included). */
export async function databaseCommits(databaseUrl: string): Promise<number> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    // Busy backends report their counts at most once a second, idle ones within 10 s (PostgreSQL 15).
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    const [row] = (await db.query<{ n: string }>('SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = current_database()')).rows;
    return Number(row?.n ?? 0);
  } finally {
    await db.end();
  }
}

/**
 * Commands the server's clients sent to Redis while `run` ran, from MONITOR: what a script does
 * inside Redis is not a round trip and is left out; commands sent together (auto-pipelining) are
 * counted one by one, so round trips are at most this. MONITOR slows Redis down, so this runs
 * apart from the timed load.
 */
export async function redisCommandsDuring(redisUrl: string, run: () => Promise<void>): Promise<number> {
  const redis = new Redis(redisUrl);
  const monitor = await redis.monitor();
  let commands = 0;
  monitor.on('monitor', (_time: string, _args: string[], source: string) => {
    if (source !== 'lua') commands += 1;
  });
  try {
    await run();
    await new Promise((resolve) => setTimeout(resolve, 200));
  } finally {
    monitor.disconnect();
    redis.disconnect();
  }
  return commands;
}
