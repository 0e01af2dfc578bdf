import { mkdir } from 'node:fs/promises';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError } from '../../shared/app-error.js';
import { type Logger, silentLogger } from '../../shared/logger.js';
import type { Row, SqlExecutor, UnscopedSql } from './contract.js';
import type { PgliteReply, PgliteRequest } from './pglite-worker.js';
import { scheduleMaintenance } from './pglite-maintenance.js';
import { executeAfter, prepareText, preparedName } from './prepared-execute.js';

/** The worker module next to this one, TypeScript or compiled alike. */
const workerModule = new URL(`./pglite-worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url).href;

/** An error from the worker as the caller would have got it from PGlite: its message, PostgreSQL's `code` and the rest. */
const asError = (fields: Record<string, unknown>) => Object.assign(new Error(String(fields.message)), fields);

/** Starts the worker and answers once its PGlite is open; `call` sends it one request. */
async function startWorker(dataDir: string) {
  const worker = new Worker(new URL('./pglite-worker-entry.js', import.meta.url), { workerData: { module: workerModule, dataDir } });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let calls = 0;
  let stopped: Error | null = null;
  const stop = (error: Error) => {
    stopped ??= error;
    for (const { reject } of pending.values()) reject(stopped);
    pending.clear();
  };
  await new Promise<void>((resolve, reject) => {
    worker.once('message', (message: { ready: boolean; error?: Record<string, unknown> }) => (message.ready ? resolve() : reject(asError(message.error ?? {}))));
    worker.once('error', reject);
  });
  worker.on('message', (reply: PgliteReply) => {
    const call = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.ok) call?.resolve(reply.value);
    else call?.reject(asError(reply.error));
  });
  // No turn can be stored any more: callers get a 503 and the operator a restart to do.
  worker.on('error', (error) => stop(new AppError('unavailable', `The embedded database stopped (${error.message}); restart the engine.`, { cause: error })));
  worker.on('exit', () => stop(new AppError('unavailable', 'The embedded database is closed.')));

  return {
    call<T>(request: PgliteRequest): Promise<T> {
      if (stopped) return Promise.reject(stopped);
      const id = (calls += 1);
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        worker.postMessage({ id, request });
      });
    },
    async close() {
      await this.call({ op: 'close' }).catch(() => undefined);
      await worker.terminate();
    },
    /** Its event loop's active time: PGlite's statements run synchronously on it. */
    busyMs: () => worker.performance.eventLoopUtilization().active,
  };
}

export interface PgliteOptions {
  logger?: Logger;
  /** How often the tables due are vacuumed and analyzed (pglite-maintenance.ts); 0: only after migrations. */
  maintenanceIntervalMs?: number;
}

/**
 * Embedded PostgreSQL persisted in `dataDir`, on a worker thread (pglite-worker.ts) so that its
 * statements do not stop the engine's turns. PGlite is one backend running one statement at a time:
 * `query` and `transaction` both take its transaction mutex, so a transaction never interleaves
 * with statements of other callers (they wait for it). Inside `transaction(fn)`, `fn` must use its
 * `tx`: awaiting `sql.query` there would wait for the transaction itself, forever.
 */
export async function createPgliteSql(dataDir: string, options: PgliteOptions = {}): Promise<UnscopedSql> {
  await mkdir(dataDir, { recursive: true });
  const db = await startWorker(dataDir);
  const query = <T extends Row>(text: string, params?: readonly unknown[], tx?: number) =>
    db.call<T[]>({ op: 'query', text, ...(params && params.length > 0 ? { params: [...params] } : {}), ...(tx === undefined ? {} : { tx }) });

  const sql: UnscopedSql = {
    dialect: 'pglite',
    query: (text, params) => query(text, params),
    // Each call through the WASM boundary costs more than the work of a small statement: a statement
    // PREPAREd once skips parsing and planning, and goes with its setup as one simple query.
    queryAfter<T extends Row>(setup: string, text: string, params: readonly unknown[]): Promise<T[]> {
      const name = preparedName(text);
      const execute = executeAfter(setup, name, params);
      if (!execute) return db.call<T[]>({ op: 'scoped', setup, text, params: [...params] });
      return db.call<T[]>({ op: 'execute', prepare: { name, text: prepareText(name, text) }, text: execute });
    },
    async transaction(fn) {
      const number = await db.call<number>({ op: 'begin' });
      let open = true;
      const tx: SqlExecutor = {
        query: (text, params) => {
          if (!open) return Promise.reject(new Error('storage: this transaction has ended; use sql.query outside it'));
          return query(text, params, number);
        },
      };
      try {
        const result = await fn(tx);
        open = false;
        await db.call({ op: 'end', tx: number, commit: true });
        return result;
      } catch (error) {
        if (open) {
          open = false;
          await db.call({ op: 'end', tx: number, commit: false }).catch(() => undefined);
        }
        throw error;
      }
    },
    async close() {
      await maintenance.stop();
      await db.close();
    },
    busyMs: () => db.busyMs(),
    maintain: () => maintenance.runNow(),
  };
  const maintenance = scheduleMaintenance(sql, { intervalMs: options.maintenanceIntervalMs ?? 10_000, logger: options.logger ?? silentLogger() });
  return sql;
}
