/**
 * Storage: one SQL layer over PostgreSQL and embedded PGlite (one dialect: PostgreSQL's), and
 * key-value, lock and counter interfaces over Redis and process memory. Storage opens and owns
 * every connection; other modules receive these interfaces as deps.
 */

export type Row = Record<string, unknown>;

export interface QueryOptions {
  /**
   * A hot statement of one fixed text (or of a few): PostgreSQL parses it once per connection and
   * may plan it once, instead of each time it runs. Only for texts built from code, never from
   * data, since each distinct text stays prepared on every connection. PGlite ignores it.
   */
  prepare?: boolean;
}

export interface SqlExecutor {
  /**
   * Runs one parameterised statement ($1, $2 …) and returns its rows. Without params the text may
   * hold several statements (migrations); the last one's rows are returned. Values are the same on
   * both backends: jsonb as objects, timestamptz/timestamp as ISO strings (`…T…Z`, ms precision),
   * date as `YYYY-MM-DD`, bigint as a number (a decimal string beyond 2^53), numeric as a string.
   */
  query<T extends Row = Row>(text: string, params?: readonly unknown[], options?: QueryOptions): Promise<T[]>;
}

/** Settings of one transaction (planner settings, say), by name: lower-case names, plain values. */
export type LocalSettings = Readonly<Record<string, string>>;

export interface Sql extends SqlExecutor {
  readonly dialect: 'postgres' | 'pglite';
  /**
   * Runs `fn` in one transaction; commits when it resolves, rolls back when it throws. `fn` must use
   * `tx`: on PGlite, awaiting `sql.query` inside `fn` waits for the transaction itself, forever.
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` in one transaction as the application role with the tenant set: row-level security
   * then hides every other tenant's rows, whatever the query says. All tenant data goes through
   * here; plain `query` is for platform work (authentication lookups, migrations, tenant admin).
   */
  withTenant<T>(tenantId: string, fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * One statement alone in a transaction of its own, scoped as `withTenant` scopes it, prepared:
   * the hot single-statement work of a turn (its context read, its batch's write). On PostgreSQL
   * the scope, the statement and the commit go in one round trip instead of three. `settings` are
   * set for that transaction only (`set_config(name, value, true)`), before the statement is planned.
   */
  queryAsTenant<T extends Row = Row>(tenantId: string, text: string, params: readonly unknown[], settings?: LocalSettings): Promise<T[]>;
  /**
   * Embedded only: milliseconds PGlite's thread has been busy since it started (it runs one
   * statement at a time, so near all of the time means the embedded default is full).
   */
  busyMs?(): number;
  close(): Promise<void>;
}

/** What a SQL backend provides; `addTenantScope` adds the tenant scope over it. */
export type UnscopedSql = Omit<Sql, 'withTenant' | 'queryAsTenant'> & {
  /** `setup`, then one statement, as one implicit transaction in one call (see prepared-execute.ts). */
  queryAfter<T extends Row>(setup: string, text: string, params: readonly unknown[]): Promise<T[]>;
  /** Embedded only: vacuums and analyzes the tables due now (pglite-maintenance.ts; a timer does it too). */
  maintain?(): Promise<void>;
};

/** One migration of one module. Ids sort in application order within a module (`001_…`). */
export interface Migration {
  id: string;
  sql: string;
}

export interface ModuleMigrations {
  module: string;
  migrations: readonly Migration[];
}

export interface SetOptions {
  ttlMs?: number;
  /** Only set when the key does not exist yet; `set` then returns false if it existed. */
  ifAbsent?: boolean;
}

/** Key-value store and cache. Keys are namespaced by the store's prefix; callers include the tenant. */
export interface Kv {
  readonly kind: 'redis' | 'memory';
  get(key: string): Promise<string | null>;
  set(key: string, value: string, options?: SetOptions): Promise<boolean>;
  del(key: string): Promise<void>;
  /** Adds `by` (default 1) and returns the new value; sets the TTL when the key is created. */
  incr(key: string, options?: { by?: number; ttlMs?: number }): Promise<number>;
  /** Remaining time to live in ms; null when the key does not exist or has none. */
  ttl(key: string): Promise<number | null>;
  /** Deletes every key that contains `fragment` (a tenant id: keys carry their tenant); returns how many. */
  deleteMatching(fragment: string): Promise<number>;
  close(): Promise<void>;
}

export interface CounterChange {
  key: string;
  by: number;
  /** The counter expires this long after this change. */
  ttlMs: number;
}

export interface Sighting {
  member: string;
  /** When it was seen, epoch ms. */
  at: number;
}

/**
 * Counters and "last seen" sets shared by every instance, for live figures (messages in the last
 * minute, active conversations). Keys are namespaced like Kv's; callers include the tenant.
 */
export interface Counters {
  readonly kind: 'redis' | 'memory';
  /** Applies every change, in one round trip where the backend can (Redis). */
  add(changes: readonly CounterChange[]): Promise<void>;
  /** The counters' values in the order asked; 0 for a missing or expired one. */
  read(keys: readonly string[]): Promise<number[]>;
  /** Records sightings in the set `key` (a later time already there stays); the set expires `ttlMs` after. */
  markSeen(key: string, sightings: readonly Sighting[], ttlMs: number): Promise<void>;
  /** Takes members out of the set `key`. */
  unmark(key: string, members: readonly string[]): Promise<void>;
  /** How many members of the set `key` were seen after `afterMs`; the older ones are dropped. */
  countSeenAfter(key: string, afterMs: number): Promise<number>;
  /** Deletes every counter and set whose key contains `fragment`; returns how many. */
  deleteMatching(fragment: string): Promise<number>;
  close(): Promise<void>;
}

export interface LockOptions {
  /** How long the lock lives unless renewed; it is renewed automatically while held. */
  ttlMs?: number;
  /** How long to wait in the queue before giving up with AppError('conversation_busy'). */
  waitMs?: number;
  /**
   * A key-value key to read as the lock is granted, in the same round trip where the backend can
   * (Redis): what the holder reads first (a cached context) costs no round trip of its own.
   */
  read?: string;
}

export interface LockHandle {
  /** The `read` key's value at grant time (null: absent); undefined when not asked for, or where the backend does not read (memory). */
  readonly read?: string | null;
  /**
   * True once renewal failed: another holder may have the lock. Writes made under the lock must be
   * conditional on what was read (the conversation save checks the context version), not on the lock.
   */
  readonly lost: boolean;
  release(): Promise<void>;
}

/** Mutual exclusion per key, granted in request order (FIFO) with a bounded wait. */
export interface Locks {
  acquire(key: string, options?: LockOptions): Promise<LockHandle>;
  close(): Promise<void>;
}

export interface StorageConfig {
  databaseUrl?: string;
  dataDir: string;
  redisUrl?: string;
  redisKeyPrefix: string;
  lockTtlMs: number;
  lockWaitMs: number;
}

/**
 * One module's share of deleting a tenant: it deletes its own rows in `tx`, a transaction shared by
 * every module's share, in an order that satisfies the foreign keys within the module.
 */
export interface TenantDataPart {
  readonly module: string;
  purgeTenant(tx: SqlExecutor, tenantId: string): Promise<void>;
}

export interface Storage {
  sql: Sql;
  kv: Kv;
  locks: Locks;
  counters: Counters;
  /** Deletes every key of the tenant in Kv and Counters (locks' keys included in Redis). */
  purgeTenantKeys(tenantId: string): Promise<void>;
  /** Applies pending migrations of every module, in the order given; returns the ids applied. */
  migrate(modules: readonly ModuleMigrations[]): Promise<string[]>;
  close(): Promise<void>;
}
