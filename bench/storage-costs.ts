import { readFileSync } from 'node:fs';
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

/** Calls per command since Redis started (or its stats were reset), from INFO commandstats. */
export async function redisCommandCalls(redisUrl: string): Promise<Map<string, number>> {
  const redis = new Redis(redisUrl);
  try {
    const info = await redis.info('commandstats');
    const calls = new Map<string, number>();
    for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(match[1]!, Number(match[2]));
    return calls;
  } finally {
    redis.disconnect();
  }
}

/** What each command was called per turn between two readings (the readings' own INFO left out), largest first. */
export function perTurn(before: Map<string, number>, after: Map<string, number>, turns: number): { command: string; perTurn: number }[] {
  return [...after]
    .map(([command, n]) => ({ command, perTurn: (n - (before.get(command) ?? 0) - (command === 'info' ? 1 : 0)) / turns }))
    .filter((row) => row.perTurn > 0.005)
    .sort((a, b) => b.perTurn - a.perTurn);
}

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux). */
export function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
