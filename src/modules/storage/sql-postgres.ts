import { Pool, types as pgTypes, type PoolClient, type QueryResult } from 'pg';
import { isAppError } from '../../shared/app-error.js';
import type { Logger } from '../../shared/logger.js';
import type { QueryOptions, Row, SqlExecutor, UnscopedSql } from './contract.js';
import { asOutage } from './outage.js';
import { executeAfter, prepareText, preparedName, statementNames } from './prepared-execute.js';
import { valueParsers } from './sql-types.js';

/** PostgreSQL can open a transaction and set it up in one round trip (a multi-statement BEGIN). */
export type PostgresSql = UnscopedSql & {
  transactionWith<T>(begin: string, fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
};

export interface PostgresOptions {
  url: string;
  logger: Logger;
  /** Pool size; the default suits one engine instance. */
  maxConnections?: number;
}

// Per-pool overrides: setting pg's global parsers would change values for any other pg user.
const getTypeParser = ((oid: number, format?: 'text' | 'binary') =>
  valueParsers.get(oid) ?? pgTypes.getTypeParser(oid, format ?? 'text')) as typeof pgTypes.getTypeParser;

/** A parameterless text may hold several statements (migrations); pg then returns one result each. */
function rowsOf<T extends Row>(result: QueryResult | QueryResult[]): T[] {
  const last = Array.isArray(result) ? result[result.length - 1] : result;
  return (last?.rows ?? []) as T[];
}

/** Names of the statements callers asked to prepare (pg prepares a name once on each connection). */
const protocolName = statementNames('mcp_');

/** SQLSTATE 26000: the EXECUTEd name is not prepared on this server connection. */
const isPreparedStatementMissing = (error: unknown) => (error as { code?: unknown } | null)?.code === '26000';

/** The statements `PREPARE`d on each connection. */
const preparedOn = new WeakMap<PoolClient, Set<string>>();

async function run<T extends Row>(client: Pool | PoolClient, text: string, params?: readonly unknown[], options?: QueryOptions): Promise<T[]> {
  try {
    const result: QueryResult | QueryResult[] = !params || params.length === 0
      ? await client.query(text)
      : options?.prepare
        ? await client.query({ name: protocolName(text), text, values: [...params] })
        : await client.query(text, [...params]);
    return rowsOf<T>(result);
  } catch (error) {
    throw asOutage(error, 'PostgreSQL');
  }
}

export function createPostgresSql(options: PostgresOptions): PostgresSql {
  const pool = new Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    types: { getTypeParser },
    // UTC sessions so that `timestamp` (without zone) and `now()::date` mean the same on every host.
    options: '-c TimeZone=UTC',
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', (error) => options.logger.warn({ err: error }, 'storage: idle PostgreSQL connection failed; the pool will reconnect'));
  // A checked-out client losing its connection (server restart, pg_terminate_backend) emits 'error'
  // too; unheard, that event would end the process. Its pending query fails and the turn gets a 503.
  pool.on('connect', (client) => {
    client.on('error', (error) => options.logger.warn({ err: error }, 'storage: a PostgreSQL connection in use failed; its work fails and is retried'));
  });

  let forgetsPrepared = false;

  return {
    dialect: 'postgres',
    query: (text, params, options) => run(pool, text, params, options),

    transaction: (fn) => transactionWith('BEGIN', fn),
    transactionWith,
    queryAfter,

    close: () => pool.end(),
  };

  /**
   * `setup`, then the statement, as one simple query: PostgreSQL runs them as one implicit
   * transaction that commits at its end or rolls back whole, in one round trip. The statement is
   * PREPAREd on the connection the first time, and EXECUTEd with its parameters as literals.
   */
  async function queryAfter<T extends Row>(setup: string, text: string, params: readonly unknown[]): Promise<T[]> {
    const inThreeRoundTrips = () => transactionWith(`BEGIN; ${setup}`, (tx) => tx.query<T>(text, params, { prepare: true }));
    const name = preparedName(text);
    const execute = forgetsPrepared ? null : executeAfter(setup, name, params);
    if (!execute) return inThreeRoundTrips();
    const client = await pool.connect().catch((error: unknown) => {
      throw asOutage(error, 'PostgreSQL');
    });
    try {
      let prepared = preparedOn.get(client);
      if (!prepared) preparedOn.set(client, (prepared = new Set()));
      if (!prepared.has(name)) {
        await run(client, prepareText(name, text));
        prepared.add(name);
      }
      const rows = await run<T>(client, execute);
      client.release();
      return rows;
    } catch (error) {
      // Failed whole, the implicit transaction is gone; a connection that failed is not reused.
      const broken = isAppError(error) && error.code === 'unavailable';
      client.release(broken ? error : undefined);
      if (!isPreparedStatementMissing(error)) throw error;
      // A pooler between us and PostgreSQL (PgBouncer's reset query, or transaction pooling onto
      // another server connection) dropped it: nothing ran, and statements prepared by the protocol,
      // which poolers track, take over.
      forgetsPrepared = true;
      options.logger.warn('storage: PostgreSQL forgot a PREPAREd statement (a connection pooler in between?); single statements now take three round trips');
      return inThreeRoundTrips();
    }
  }

  async function transactionWith<T>(begin: string, fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await pool.connect().catch((error: unknown) => {
      throw asOutage(error, 'PostgreSQL');
    });
    let open = true;
    const tx: SqlExecutor = {
      query: (text, params, options) => {
        if (!open) return Promise.reject(new Error('storage: this transaction has ended; use sql.query outside it'));
        return run(client, text, params, options);
      },
    };
    try {
      await run(client, begin);
      const result = await fn(tx);
      await run(client, 'COMMIT');
      open = false;
      client.release();
      return result;
    } catch (error) {
      open = false;
      try {
        await client.query('ROLLBACK');
        client.release();
      } catch (rollbackError) {
        // A connection that cannot roll back is broken: destroy it rather than reuse it.
        client.release(rollbackError instanceof Error ? rollbackError : true);
      }
      throw error;
    }
  }
}
