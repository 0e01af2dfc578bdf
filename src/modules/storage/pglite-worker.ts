import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type Results, type Transaction } from '@electric-sql/pglite';
import type { Row } from './contract.js';
import { valueParsers } from './sql-types.js';

/**
 * PGlite on a thread of its own. Its statements run as WebAssembly, synchronously: on the engine's
 * thread every statement stopped every turn in progress, and took about half of that thread's CPU.
 * Requests come from sql-pglite.ts; a reply answers each by its id.
 */
export type PgliteRequest =
  | { op: 'query'; text: string; params?: unknown[]; tx?: number }
  /** A statement PREPAREd once on the backend (`prepare`), then `text` (its EXECUTE, with its setup). */
  | { op: 'execute'; prepare: { name: string; text: string }; text: string }
  /** `setup`, then the statement with its parameters, in one transaction. */
  | { op: 'scoped'; setup: string; text: string; params: unknown[] }
  /** Opens a transaction; answers its number once it holds PGlite's transaction mutex. */
  | { op: 'begin' }
  | { op: 'end'; tx: number; commit: boolean }
  | { op: 'close' };

export type PgliteReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: Record<string, unknown> };

async function run<T extends Row>(db: PGlite | Transaction, text: string, params?: readonly unknown[]): Promise<T[]> {
  if (params && params.length > 0) return (await db.query<T>(text, [...params])).rows;
  // The extended protocol accepts one statement only; parameterless text may hold several (migrations).
  const results: Results[] = await db.exec(text);
  return (results[results.length - 1]?.rows ?? []) as T[];
}

/** An error's fields as data (a thread boundary keeps an Error's message only): PostgreSQL's `code`, `detail` … */
function errorFields(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const fields: Record<string, unknown> = { name: error.name, message: error.message };
  for (const [key, value] of Object.entries(error)) if (typeof value === 'string' || typeof value === 'number') fields[key] = value;
  return fields;
}

const ROLLBACK = Symbol('rollback');

/**
 * `wal_init_zero = off`: a new 16 MB WAL file is created by writing its last byte, not zeros all
 * through. PGlite's one backend creates them itself, every 2 s or so at 2,000 msg/s, and writing
 * the zeros stopped every statement for 50 ms each time. Recovery reads the file the same (a file
 * system hole reads as zeros); PostgreSQL offers the setting for file systems that gain nothing from the zeros.
 */
async function open(dataDir: string): Promise<PGlite> {
  const db = await PGlite.create({ dataDir, parsers: Object.fromEntries(valueParsers) });
  await db.exec("SET TIME ZONE 'UTC'; SET wal_init_zero = off");
  return db;
}

function serve(port: NonNullable<typeof parentPort>, db: PGlite): void {
  // One backend: a statement PREPAREd once stays prepared; callers share one PREPARE in flight.
  const prepared = new Map<string, Promise<unknown>>();
  const transactionsOpen = new Map<number, { tx: Transaction; end: (commit: boolean) => void; finished: Promise<void> }>();
  let transactions = 0;

  function begin(): Promise<number> {
    const number = (transactions += 1);
    return new Promise((started, failed) => {
      const finished = db
        .transaction(async (tx) => {
          const commit = await new Promise<boolean>((end) => {
            transactionsOpen.set(number, { tx, end, finished });
            started(number);
          });
          if (!commit) throw ROLLBACK;
        })
        .catch((error: unknown) => {
          if (error !== ROLLBACK) throw error;
        })
        .finally(() => transactionsOpen.delete(number));
      // Fails the begin of a transaction that could not start (once started, it is settled already).
      finished.catch(failed);
    });
  }

  async function handle(request: PgliteRequest): Promise<unknown> {
    switch (request.op) {
      case 'query': {
        const executor = request.tx === undefined ? db : transactionsOpen.get(request.tx)?.tx;
        if (!executor) throw new Error(`storage: no transaction ${request.tx} is open in the embedded database`);
        return run(executor, request.text, request.params);
      }
      case 'execute': {
        const { name, text } = request.prepare;
        let preparing = prepared.get(name);
        if (!preparing) {
          preparing = db.exec(text);
          prepared.set(name, preparing);
          preparing.catch(() => prepared.delete(name));
        }
        await preparing;
        return run(db, request.text);
      }
      case 'scoped':
        return db.transaction(async (tx) => {
          await tx.exec(request.setup);
          return run(tx, request.text, request.params);
        });
      case 'begin':
        return begin();
      case 'end': {
        const transaction = transactionsOpen.get(request.tx);
        if (!transaction) return null;
        transaction.end(request.commit);
        return transaction.finished;
      }
      case 'close':
        await db.close();
        return null;
    }
  }

  port.on('message', (message: { id: number; request: PgliteRequest }) => {
    handle(message.request).then(
      (value) => port.postMessage({ id: message.id, ok: true, value } satisfies PgliteReply),
      (error: unknown) => port.postMessage({ id: message.id, ok: false, error: errorFields(error) } satisfies PgliteReply),
    );
  });
}

if (parentPort) {
  const port = parentPort;
  await open((workerData as { dataDir: string }).dataDir).then(
    (db) => {
      serve(port, db);
      port.postMessage({ ready: true });
    },
    (error: unknown) => port.postMessage({ ready: false, error: errorFields(error) }),
  );
}
