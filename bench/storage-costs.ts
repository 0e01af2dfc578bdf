import pg from 'pg';
import { Redis } from 'ioredis';

/** Counters of the bench's own database and Redis, to print what one turn costs in storage work. */
export interface StorageCounters {
  /** Committed PostgreSQL transactions in the database (every backend, background work included). */
  transactions: number;
  /** Redis commands executed by the server (INFO commandstats, script bodies included). */
  redisCommands: number;
}

async function databaseCommits(databaseUrl: string): Promise<number> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    // Backends report their counts at the end of a transaction, at most once a second.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const [row] = (await db.query<{ n: string }>('SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = current_database()')).rows;
    return Number(row?.n ?? 0);
  } finally {
    await db.end();
  }
}

async function redisCommands(redisUrl: string): Promise<number> {
  const redis = new Redis(redisUrl);
  try {
    const info = await redis.info('commandstats');
    return [...info.matchAll(/^cmdstat_[^:]+:calls=(\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  } finally {
    redis.disconnect();
  }
}

export async function readCounters(databaseUrl: string, redisUrl: string): Promise<StorageCounters> {
  const [transactions, commands] = await Promise.all([databaseCommits(databaseUrl), redisCommands(redisUrl)]);
  return { transactions, redisCommands: commands };
}

/** One line: per-turn transactions and Redis commands between two readings (the readings' own work subtracted). */
export function perTurn(before: StorageCounters, after: StorageCounters, turns: number): string {
  // Each reading costs one transaction (the stats query) and one INFO command.
  const transactions = (after.transactions - before.transactions - 1) / turns;
  const commands = (after.redisCommands - before.redisCommands - 1) / turns;
  return `${transactions.toFixed(2)} PostgreSQL transactions and ${commands.toFixed(1)} Redis commands per turn`;
}
