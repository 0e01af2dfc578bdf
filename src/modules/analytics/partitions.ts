import type { Logger } from '../../shared/logger.js';
import type { Sql, SqlExecutor } from '../storage/contract.js';
import { RAW_TABLE_NAMES } from './raw-tables.js';
import { dropChunksSql, LOCK_CHUNKS_SQL, rawTableScheme } from './timescale.js';

// Any constant: only processes maintaining the same database must agree on it.
const PARTITION_LOCK = 8_317_442_977;
const DAY_MS = 86_400_000;

/** `2024-05` of an ISO time (UTC). */
const monthOf = (iso: string): string => iso.slice(0, 7);

function nextMonth(month: string): string {
  const [year, mon] = month.split('-').map(Number) as [number, number];
  return mon === 12 ? `${year + 1}-01` : `${year}-${String(mon + 1).padStart(2, '0')}`;
}

const partitionName = (table: string, month: string) => `${table}_p${month.replace('-', '')}`;

export interface Partitions {
  /** True when the raw tables are TimescaleDB hypertables (chunks are then TimescaleDB's job). */
  timescale(): Promise<boolean>;
  /** Makes sure every raw table has a partition for each month; cheap once a month is known. */
  ensure(months: Iterable<string>): Promise<void>;
  /**
   * The same within the caller's transaction (on PGlite another one would wait for it forever);
   * `remember` the returned months once it commits. Call `timescale()` before opening it.
   */
  ensureWithin(tx: SqlExecutor, months: Iterable<string>): Promise<string[]>;
  remember(months: readonly string[]): void;
  /** Whether every one of `months` has its partitions (created or found by this process). */
  knows(months: readonly string[]): boolean;
  /** Creates partitions ahead and drops whole months (or chunks, by day) past the retention. */
  maintain(nowMs: number, retentionDays: number): Promise<void>;
  /** With TimescaleDB, in the transaction that inserted: chunks it created lose the grants they copied. */
  lockNewChunks(tx: SqlExecutor): Promise<void>;
}

/**
 * Monthly range partitions of the raw event tables. Creating them is platform work (plain `sql`,
 * outside tenant scope) under an advisory lock, so instances racing on a new month both succeed.
 */
export function createPartitions(deps: { sql: Sql; logger: Logger }): Partitions {
  const { sql } = deps;
  const known = new Set<string>();
  let isTimescale: Promise<boolean> | null = null;

  const timescale = () =>
    (isTimescale ??= sql
      .query<{ extension: boolean; partitioned: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') AS extension,
                EXISTS (SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid WHERE c.relname = 'custom_metrics') AS partitioned`,
      )
      .then((rows) => rawTableScheme(rows[0] ?? { extension: false, partitioned: true }) === 'hypertables')
      .catch((error: unknown) => {
        isTimescale = null; // asked again next time rather than failing for good after one outage
        throw error;
      }));

  /** Partitions of the months not known yet, created under a lock so that racing instances both succeed. */
  async function ensureWithin(tx: SqlExecutor, months: Iterable<string>): Promise<string[]> {
    const missing = [...new Set(months)].filter((m) => !known.has(m));
    if (missing.length === 0 || (await timescale())) return [];
    await tx.query(`SELECT pg_advisory_xact_lock(${PARTITION_LOCK})`);
    for (const month of missing) {
      const [from, to] = [`${month}-01`, `${nextMonth(month)}-01`];
      for (const table of RAW_TABLE_NAMES) {
        await tx.query(`CREATE TABLE IF NOT EXISTS ${partitionName(table, month)} PARTITION OF ${table} FOR VALUES FROM ('${from}') TO ('${to}')`);
      }
    }
    return missing;
  }

  const remember = (months: readonly string[]) => months.forEach((m) => known.add(m));
  const knows = (months: readonly string[]) => months.every((m) => known.has(m));

  async function ensure(months: Iterable<string>): Promise<void> {
    const list = [...months];
    if (knows(list) || (await timescale())) return;
    remember(await sql.transaction((tx) => ensureWithin(tx, list)));
  }

  async function dropExpired(cutoffMonth: string): Promise<void> {
    const rows = await sql.query<{ name: string; parent: string }>(
      `SELECT c.relname AS name, p.relname AS parent FROM pg_inherits i
         JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        WHERE p.relname = ANY($1::text[])`,
      [RAW_TABLE_NAMES],
    );
    for (const { name, parent } of rows) {
      const match = /_p(\d{4})(\d{2})$/.exec(name);
      // A month whose last day is before the cutoff holds only expired events.
      if (!match || nextMonth(`${match[1]}-${match[2]}`) > cutoffMonth) continue;
      await sql.query(`DROP TABLE IF EXISTS ${name}`);
      known.delete(`${match[1]}-${match[2]}`);
      deps.logger.info({ table: parent, partition: name }, 'analytics: dropped a partition past the retention');
    }
  }

  return {
    timescale,
    async lockNewChunks(tx) {
      if (await timescale()) await tx.query(LOCK_CHUNKS_SQL);
    },
    ensure,
    ensureWithin,
    remember,
    knows,
    async maintain(nowMs, retentionDays) {
      const cutoff = new Date(nowMs - retentionDays * DAY_MS).toISOString();
      if (await timescale()) {
        for (const table of RAW_TABLE_NAMES) await sql.query(dropChunksSql(table), [cutoff]);
        await sql.query(LOCK_CHUNKS_SQL);
        return;
      }
      const thisMonth = monthOf(new Date(nowMs).toISOString());
      await ensure([thisMonth, nextMonth(thisMonth), nextMonth(nextMonth(thisMonth))]);
      await dropExpired(monthOf(cutoff));
    },
  };
}
