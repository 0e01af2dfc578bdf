import { isOutage, type Sql, type SqlExecutor, withLocalSettings } from '../storage/index.js';
import { BATCH_SETTINGS, isStaleBatch, saveAllStatement, type ContextStore, type RiderStatement, type SavedTurn } from './context-store.js';
import type { StagedRows, TurnRowWriter } from './contract.js';

/** Everything one finished turn stores. */
export interface TurnWrite extends SavedTurn {
  staged: readonly StagedRows[];
  commit?: (tx: SqlExecutor) => Promise<void>;
}

interface Pending {
  write: TurnWrite;
  resolve: (saved: boolean) => void;
  reject: (error: unknown) => void;
}

/** Enough to fill a transaction's statements without making their parameters unwieldy. */
const MAX_BATCH = 128;
/** The rows of `writes`, each writer once, in the order turns first staged them (a transcript's conversation before its messages). */
function rowsByWriter(writes: readonly TurnWrite[]): Map<TurnRowWriter<unknown>, unknown[]> {
  const byWriter = new Map<TurnRowWriter<unknown>, unknown[]>();
  for (const { staged } of writes) {
    for (const { writer, rows } of staged) {
      const all = byWriter.get(writer);
      if (all) all.push(...rows);
      else byWriter.set(writer, [...rows]);
    }
  }
  return byWriter;
}

/**
 * The writers' statements, taken by a stand-in transaction that keeps them instead of sending
 * them (writers do not read their statements' results); null when one is not a plain INSERT,
 * UPDATE or DELETE, which cannot ride along in another statement's WITH.
 */
async function riderStatements(tenantId: string, byWriter: Map<TurnRowWriter<unknown>, unknown[]>): Promise<RiderStatement[] | null> {
  const riders: RiderStatement[] = [];
  const keeper: SqlExecutor = {
    query: async (text, params = []) => {
      riders.push({ text, params });
      return [];
    },
  };
  for (const [writer, rows] of byWriter) if (rows.length > 0) await writer(keeper, tenantId, rows);
  return riders.every((r) => /^\s*(INSERT|UPDATE|DELETE)\s/i.test(r.text)) ? riders : null;
}

/**
 * How many batches of one tenant may commit at once. PostgreSQL: one. A second runs on another
 * connection at the same time and splits the turns that gather in two: it ran 40% more statements
 * for as many turns, and a statement's fixed cost (its start-up on five tables, the commit's WAL
 * flush) is most of what a small batch costs. PGlite: two, the second once `secondFrom` turns wait.
 * It runs statements one after another on its own thread anyway, and with one in flight it stood
 * idle while the engine's thread got the answer and built the next batch: at 2,000 msg/s in process
 * it answered 1,548–1,934 (mean 1,769, six runs) against 1,783–1,993 (mean 1,955) with two. But a
 * second batch sent at once carried 2.6 turns on average at 2,000 msg/s, and its fixed cost (about
 * 0.45 ms, three turns' worth) kept the thread 94% busy; waiting for 6 turns, 78%.
 */
const batchesInFlight = (sql: Sql): { most: number; secondFrom: number } => (sql.dialect === 'pglite' ? { most: 2, secondFrom: 6 } : { most: 1, secondFrom: 1 });

/**
 * Group commit: the turns of one tenant that finish while earlier ones commit are stored together,
 * in one transaction and usually one statement (their contexts, traces and every module's rows),
 * instead of a transaction and seven round trips each. A turn's conversation lock is held until
 * its batch commits, so a batch never holds two turns of one conversation, and each turn still
 * commits whole or not at all.
 */
export function createTurnCommits(deps: {
  sql: Sql;
  contexts: ContextStore;
  /** Each turn's seconds from finishing to committed (the queue and its batch's transaction): where a busy tenant's latency goes. */
  observeWait?: (seconds: number) => void;
}) {
  const queues = new Map<string, { waiting: Pending[]; committing: number }>();
  const inFlight = batchesInFlight(deps.sql);

  /**
   * The usual case, in one statement: every context saves, so every turn's rows go with them (the
   * writers' statements ride in the save's WITH), or the statement fails whole (`isStaleBatch`).
   * Without commit hooks the statement is its own transaction: one round trip a batch instead of
   * three (begin, the statement, commit), and each costs both servers a turn of their loops.
   */
  async function writeTogether(tenantId: string, writes: readonly TurnWrite[]): Promise<boolean[]> {
    const riders = await riderStatements(tenantId, rowsByWriter(writes));
    if (!riders) return deps.sql.withTenant(tenantId, (tx) => writeInSteps(tx, tenantId, writes));
    const { text, params } = saveAllStatement(tenantId, writes, riders);
    const hooks = writes.flatMap(({ commit }) => (commit ? [commit] : []));
    if (hooks.length === 0) await deps.sql.queryAsTenant(tenantId, text, params, BATCH_SETTINGS);
    else {
      await deps.sql.withTenant(tenantId, async (tx) => {
        await withLocalSettings(tx, BATCH_SETTINGS, () => tx.query(text, params, { prepare: true }));
        for (const hook of hooks) await hook(tx);
      });
    }
    return writes.map(() => true);
  }

  /** Contexts first, then only the rows of the turns whose context saved. */
  async function writeInSteps(tx: SqlExecutor, tenantId: string, writes: readonly TurnWrite[]): Promise<boolean[]> {
    const saved = await deps.contexts.saveTurns(tx, tenantId, writes);
    const applied = writes.filter((_, i) => saved[i]);
    for (const [writer, rows] of rowsByWriter(applied)) if (rows.length > 0) await writer(tx, tenantId, rows);
    for (const { commit } of applied) await commit?.(tx);
    return saved;
  }

  async function commitBatch(tenantId: string, batch: Pending[]): Promise<void> {
    const writes = batch.map((p) => p.write);
    try {
      // A batch that met a stale context is written again with only the turns that save.
      const saved = await writeTogether(tenantId, writes).catch((error: unknown) => {
        if (isStaleBatch(error)) return deps.sql.withTenant(tenantId, (tx) => writeInSteps(tx, tenantId, writes));
        throw error;
      });
      batch.forEach((pending, i) => {
        if (saved[i]) for (const { committed } of pending.write.staged) committed?.();
        pending.resolve(saved[i] ?? false);
      });
    } catch (error) {
      if (batch.length === 1 || isOutage(error)) {
        for (const pending of batch) pending.reject(error);
        return;
      }
      // One turn's failure (a retried message id, a refused row) must fail that turn alone.
      await Promise.all(batch.map((pending) => commitBatch(tenantId, [pending])));
    }
  }

  /**
   * Starts a batch unless as many of the tenant's as the database takes are committing: the turns
   * that finish meanwhile gather into the next. A conversation appears once per batch, and two
   * batches never hold one conversation (its lock is held until its turn commits).
   */
  function pump(tenantId: string): void {
    const queue = queues.get(tenantId);
    if (!queue || queue.committing >= inFlight.most || queue.waiting.length === 0) return;
    if (queue.committing > 0 && queue.waiting.length < inFlight.secondFrom) return;
    const batch: Pending[] = [];
    const conversations = new Set<string>();
    const rest: Pending[] = [];
    for (const pending of queue.waiting) {
      const id = pending.write.save.conversationId;
      if (batch.length < MAX_BATCH && !conversations.has(id)) {
        batch.push(pending);
        conversations.add(id);
      } else rest.push(pending);
    }
    queue.waiting = rest;
    queue.committing += 1;
    void commitBatch(tenantId, batch).finally(() => {
      queue.committing -= 1;
      if (queue.waiting.length > 0) pump(tenantId);
      else if (queue.committing === 0) queues.delete(tenantId);
    });
  }

  return {
    /** Commits the turn with whichever others are ready; resolves false when its context was saved by someone else first. */
    commit(tenantId: string, write: TurnWrite): Promise<boolean> {
      const finishedAt = performance.now();
      const committed = new Promise<boolean>((resolve, reject) => {
        let queue = queues.get(tenantId);
        if (!queue) queues.set(tenantId, (queue = { waiting: [], committing: 0 }));
        queue.waiting.push({ write, resolve, reject });
        pump(tenantId);
      });
      const { observeWait } = deps;
      return observeWait ? committed.finally(() => observeWait((performance.now() - finishedAt) / 1000)) : committed;
    },
  };
}

export type TurnCommits = ReturnType<typeof createTurnCommits>;
