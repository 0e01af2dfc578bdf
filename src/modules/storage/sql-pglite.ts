import { mkdir } from 'node:fs/promises';
import { PGlite, type Results, type Transaction } from '@electric-sql/pglite';
import type { Row, SqlExecutor, UnscopedSql } from './contract.js';
import { executeAfter, prepareText, preparedName } from './prepared-execute.js';
import { valueParsers } from './sql-types.js';

const parsers = Object.fromEntries(valueParsers);

async function run<T extends Row>(db: PGlite | Transaction, text: string, params?: readonly unknown[]): Promise<T[]> {
  if (params && params.length > 0) return (await db.query<T>(text, [...params])).rows;
  // The extended protocol accepts one statement only; parameterless text may hold several (migrations).
  const results: Results[] = await db.exec(text);
  return (results[results.length - 1]?.rows ?? []) as T[];
}

/**
 * Embedded PostgreSQL persisted in `dataDir`. PGlite is one backend running one statement at a
 * time: `query` and `transaction` both take its transaction mutex, so a transaction never
 * interleaves with statements of other callers (they wait for it). Inside `transaction(fn)`, `fn`
 * must use its `tx`: awaiting `sql.query` there would wait for the transaction itself, forever.
 */
export async function createPgliteSql(dataDir: string): Promise<UnscopedSql> {
  await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir, parsers });
  await db.exec("SET TIME ZONE 'UTC'");

  // One backend: a statement PREPAREd once stays prepared. Each call through the WASM boundary costs
  // more than the work of a small statement, and an EXECUTE skips parsing and planning it again.
  // Callers share one PREPARE in flight: the backend is shared, and a second would find the name taken.
  const prepared = new Map<string, Promise<unknown>>();

  async function queryAfter<T extends Row>(setup: string, text: string, params: readonly unknown[]): Promise<T[]> {
    const name = preparedName(text);
    const execute = executeAfter(setup, name, params);
    if (!execute) {
      return db.transaction(async (tx) => {
        await tx.exec(setup);
        return run<T>(tx, text, params);
      });
    }
    let preparing = prepared.get(name);
    if (!preparing) {
      preparing = db.exec(prepareText(name, text));
      prepared.set(name, preparing);
      preparing.catch(() => prepared.delete(name));
    }
    await preparing;
    return run<T>(db, execute);
  }

  return {
    dialect: 'pglite',
    query: (text, params) => run(db, text, params),
    queryAfter,
    transaction: (fn) =>
      db.transaction(async (transaction) => {
        let open = true;
        const tx: SqlExecutor = {
          query: (text, params) => {
            if (!open) return Promise.reject(new Error('storage: this transaction has ended; use sql.query outside it'));
            return run(transaction, text, params);
          },
        };
        try {
          return await fn(tx);
        } finally {
          open = false;
        }
      }),
    close: () => db.close(),
  };
}
