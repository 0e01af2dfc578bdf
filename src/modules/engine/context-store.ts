import { AppError } from '../../shared/app-error.js';
import type { Logger } from '../../shared/logger.js';
import type { Kv, LocalSettings, Sql, SqlExecutor } from '../storage/contract.js';
import { withLocalSettings } from '../storage/index.js';
import { endedSnapshot, readSnapshot, type ConversationSnapshot } from './flow/index.js';
import { createGroupedReads } from './grouped-reads.js';

/** What is persisted per conversation: the flow version it runs on and the conversation's snapshot. */
export interface ConversationRecord {
  flowId: string;
  flowVersion: number;
  snapshot: ConversationSnapshot;
  /** Optimistic-concurrency version: a save must name the version it loaded. */
  version: number;
  updatedAt: string;
  /** Client message ids of the latest turns, newest last: a retry among them is answered from the turn log. */
  recentMessageIds: string[];
  /** Why the stored snapshot could not be read, when it could not: the conversation then starts over. */
  discarded?: string;
}

/** A record as the database row and the cache entry hold it: the snapshot as stored, of whichever version wrote it. */
interface StoredRecord {
  flowId: string;
  flowVersion: number;
  context: unknown;
  version: number;
  updatedAt: string;
  /** Missing from copies cached before recent ids were kept. */
  recentMessageIds?: string[];
}

interface ContextRow extends Record<string, unknown> {
  conversation_id: string;
  flow_id: string;
  flow_version: number;
  context: unknown;
  version: number;
  updated_at: string;
  recent_message_ids: string[];
}

const CACHE_TTL_MS = 30 * 60_000;

/** A context to save: `record.version` is the version it was loaded at (0 for a new conversation). */
export interface ContextSave {
  conversationId: string;
  record: ConversationRecord;
}

/** A turn's trace and the result a retry of its message gets back, stored with its context. */
export interface SavedTurn {
  save: ContextSave;
  trace: { turnId: string; turn: number; flowId: string; flowVersion: number; trace: unknown; messageId: string | null; result: unknown } | null;
}

/**
 * Contexts and traces of a batch in one statement. The rows arrive as one JSON array (one
 * parameter, whatever the batch size); a context saves only over the version it was loaded at
 * (version 1 is a new conversation), and a trace is stored only with its context.
 *
 * The update names its contexts by key (`= ANY` of the batch's ids) besides joining them: the
 * planner cannot tell how many rows the array holds, nor, without fresh statistics, how many
 * contexts the tenant has, and its plan read all of the tenant's contexts per batch (a hash of
 * them, or a nested loop over them when statistics were missing: 200 ms for a batch of 128 at
 * 2,000 conversations). An index lookup of the batch's keys cannot grow with the tenant.
 */
const SAVE_TURNS = `WITH x AS (
    SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(conversation_id text, flow_id text, flow_version integer, context jsonb, version integer,
      updated_at timestamptz, recent_message_ids jsonb, turn_id uuid, turn integer, trace jsonb, message_id text, result jsonb)
  ), inserted AS (
    INSERT INTO conversation_contexts (tenant_id, conversation_id, flow_id, flow_version, context, version, updated_at, recent_message_ids)
    SELECT $1, conversation_id, flow_id, flow_version, context, version, updated_at, recent_message_ids FROM x WHERE version = 1
    ON CONFLICT DO NOTHING RETURNING conversation_id
  ), updated AS (
    UPDATE conversation_contexts c SET flow_id = x.flow_id, flow_version = x.flow_version, context = x.context,
      version = x.version, updated_at = x.updated_at, recent_message_ids = x.recent_message_ids
    FROM x WHERE x.version > 1 AND c.tenant_id = $1 AND c.conversation_id = ANY (ARRAY(SELECT conversation_id FROM x))
      AND c.conversation_id = x.conversation_id AND c.version = x.version - 1
    RETURNING c.conversation_id
  ), saved AS (
    SELECT conversation_id FROM inserted UNION ALL SELECT conversation_id FROM updated
  ), traced AS (
    INSERT INTO turn_traces (id, tenant_id, conversation_id, turn, flow_id, flow_version, trace, message_id, result)
    SELECT x.turn_id, $1, x.conversation_id, x.turn, x.flow_id, x.flow_version, x.trace, x.message_id, x.result
      FROM x JOIN saved USING (conversation_id) WHERE x.turn_id IS NOT NULL
  )`;
/**
 * How a batch statement is planned: without nested loops. The update joins the batch's rows to the
 * contexts found by key, and the planner, which cannot tell how many of either there are, took the
 * contexts for one row and chose a nested loop that read all of the batch's rows again for each
 * context: n² comparisons, 16,256 for a batch of 128, a third of the statement's 35 ms in PGlite
 * (25 ms without). A hash join reads them once; the contexts are still found by key.
 */
export const BATCH_SETTINGS: LocalSettings = { enable_nestloop: 'off' };

/** The save alone, saying which contexts saved. */
const SAVE_SAYING_WHICH = `${SAVE_TURNS}\n  SELECT conversation_id FROM saved`;
/** Fails the whole statement (SQLSTATE MC409, migration 005) unless every context of the batch saved. */
const ALL_SAVED = 'SELECT mcp_require_all_saved((SELECT count(*) FROM saved), $3) AS all_saved';

/** A statement sent along with a save, as one more part of its WITH: one INSERT, UPDATE or DELETE whose result nobody reads. */
export interface RiderStatement {
  text: string;
  params: readonly unknown[];
}

/** The save with `riders` appended to its WITH, their parameters numbered after the ones before them. */
function withRiders(params: unknown[], riders: readonly RiderStatement[]): string {
  const parts = [SAVE_TURNS];
  riders.forEach((rider, i) => {
    const offset = params.length;
    parts.push(`, r${i} AS (${rider.text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`)})`);
    params.push(...rider.params);
  });
  return parts.join('');
}

/** The error of a batch statement that met a context saved by someone else: nothing of it was written. */
export const isStaleBatch = (error: unknown): boolean => (error as { code?: unknown } | null)?.code === 'MC409';

/**
 * Each snapshot's JSON, made once: a turn's context goes into its batch's statement and, once that
 * commits, into the cache (a snapshot is not changed after its turn).
 */
const snapshotJson = new WeakMap<ConversationSnapshot, string>();

function jsonOf(snapshot: ConversationSnapshot): string {
  let json = snapshotJson.get(snapshot);
  if (json === undefined) snapshotJson.set(snapshot, (json = JSON.stringify(snapshot)));
  return json;
}

/** `fields` (an object with at least one member) as JSON, with `context` added as the snapshot's JSON. */
const withContext = (fields: object, snapshot: ConversationSnapshot) => `${JSON.stringify(fields).slice(0, -1)},"context":${jsonOf(snapshot)}}`;

/** The rows of `turns` as SAVE_TURNS reads them: each context as the version after the one it was loaded at. */
function turnRows(turns: readonly SavedTurn[]): string {
  const rows = turns.map(({ save: { conversationId, record }, trace }) =>
    withContext(
      {
        conversation_id: conversationId,
        flow_id: record.flowId,
        flow_version: record.flowVersion,
        version: record.version + 1,
        updated_at: record.updatedAt,
        recent_message_ids: record.recentMessageIds,
        ...(trace
          ? { turn_id: trace.turnId, turn: trace.turn, trace: trace.trace, message_id: trace.messageId, result: trace.result }
          : {}),
      },
      record.snapshot,
    ),
  );
  return `[${rows.join(',')}]`;
}

/**
 * One statement that saves every turn with its trace and `riders` (every module's rows), or fails
 * whole (`isStaleBatch`) when a context was saved by someone else first. A batch's text differs
 * only by which writers ride along, so there are few of them, and they are prepared.
 */
export function saveAllStatement(tenantId: string, turns: readonly SavedTurn[], riders: readonly RiderStatement[]): { text: string; params: unknown[] } {
  const params: unknown[] = [tenantId, turnRows(turns), turns.length];
  const text = withRiders(params, riders);
  return { text: `${text}\n  ${ALL_SAVED}`, params };
}

/** The key-value key of a conversation's cached context. */
export const contextCacheKey = (tenantId: string, conversationId: string) => `conversation:${tenantId}:${conversationId}`;

/** A save over a version someone else wrote: the turn is run again from the database. */
export const contextConflict = () => new AppError('conflict', 'The conversation changed while this message was processed; send it again.');

/**
 * Context is read from the cache, then the database; it is written to the database first (guarded
 * by the version it was loaded at, so a stale lock holder can never overwrite a newer context) and
 * to the cache after the transaction commits. Snapshots of older versions are upgraded as they are
 * read; one this engine cannot read is never run (see `recordOf`).
 */
export function createContextStore(deps: { sql: Sql; kv: Kv; logger: Logger }) {
  const { sql, kv, logger } = deps;
  const cacheKey = contextCacheKey;

  const recordFields = (stored: StoredRecord) => ({
    flowId: stored.flowId,
    flowVersion: stored.flowVersion,
    version: stored.version,
    updatedAt: stored.updatedAt,
    recentMessageIds: stored.recentMessageIds ?? [],
  });

  /**
   * A snapshot written by a newer engine (during a rolling deploy, or after a rollback) is refused,
   * left as it is for a server that reads it; a damaged one is logged and the conversation starts
   * over, as Botpress and Rasa do with a session they cannot use, rather than failing every message.
   */
  function recordOf(ids: { tenantId: string; conversationId: string }, stored: StoredRecord): ConversationRecord {
    const read = readSnapshot(stored.context);
    if (read.ok) return { ...recordFields(stored), snapshot: read.snapshot };
    if (read.problem === 'newer') {
      logger.warn(ids, `conversation not run: ${read.message}`);
      throw new AppError('conflict', `Conversation '${ids.conversationId}' was saved by a newer version of the engine; send the message again once every server runs that version.`);
    }
    logger.error({ ...ids, problem: read.message }, 'conversation state could not be read; the conversation starts over');
    return { ...recordFields(stored), snapshot: endedSnapshot(), discarded: read.message };
  }

  const reads = createGroupedReads<ContextRow>(async (tenantId, conversationIds) => {
    const rows = await sql.queryAsTenant<ContextRow>(
      tenantId,
      'SELECT conversation_id, flow_id, flow_version, context, version, updated_at, recent_message_ids FROM conversation_contexts WHERE tenant_id = $1 AND conversation_id = ANY ($2::text[])',
      [tenantId, conversationIds],
    );
    return new Map(rows.map((row) => [row.conversation_id, row]));
  });

  /** Read with the other conversations of the tenant whose reads arrive meanwhile (grouped-reads.ts). */
  async function loadFromDb(tenantId: string, conversationId: string): Promise<ConversationRecord | null> {
    const row = await reads.read(tenantId, conversationId);
    if (!row) return null;
    const stored = { flowId: row.flow_id, flowVersion: row.flow_version, context: row.context, version: row.version, updatedAt: row.updated_at, recentMessageIds: row.recent_message_ids };
    return recordOf({ tenantId, conversationId }, stored);
  }

  /** The cached copy, when this engine can read it; anything else is read from the database instead. */
  function fromCache(cached: string): ConversationRecord | null {
    let stored: StoredRecord;
    try {
      stored = JSON.parse(cached) as StoredRecord;
    } catch {
      return null;
    }
    const read = readSnapshot(stored.context);
    return read.ok ? { ...recordFields(stored), snapshot: read.snapshot } : null;
  }

  /**
   * Writes each context as the version after the one it was loaded at, with its turn's trace,
   * inside the caller's tenant transaction, in one statement; says which were saved. One that
   * someone saved in between is not (nor its trace), and its cached copy is dropped.
   */
  async function saveTurns(tx: SqlExecutor, tenantId: string, turns: readonly SavedTurn[]): Promise<boolean[]> {
    // Always with the batch's settings: a prepared statement keeps the plan made under the settings of its first runs.
    const rows = await withLocalSettings(tx, BATCH_SETTINGS, () => tx.query<{ conversation_id: string }>(SAVE_SAYING_WHICH, [tenantId, turnRows(turns)], { prepare: true }));
    const savedIds = new Set(rows.map((row) => row.conversation_id));
    const saved = turns.map(({ save }) => savedIds.has(save.conversationId));
    const stale = turns.filter((_, i) => !saved[i]).map(({ save }) => cacheKey(tenantId, save.conversationId));
    await Promise.all(stale.map((key) => kv.del(key).catch(() => undefined)));
    return saved;
  }

  return {
    /** The key-value key of a conversation's cached context, for a lock to read as it is granted. */
    cacheKey,

    /**
     * For turns, under the conversation lock: a stale cached copy makes the save conflict, and the
     * turn is run again from the database. `read` is the cached copy the lock already fetched, if it did.
     */
    async load(tenantId: string, conversationId: string, read?: string | null): Promise<ConversationRecord | null> {
      const cached = read === undefined ? await kv.get(cacheKey(tenantId, conversationId)) : read;
      return (cached ? fromCache(cached) : null) ?? loadFromDb(tenantId, conversationId);
    },

    loadFromDb,

    saveTurns,

    /** One context without a turn (a hand-back): returns the saved version, or throws conflict. */
    async save(tx: SqlExecutor, tenantId: string, conversationId: string, record: ConversationRecord): Promise<ConversationRecord> {
      const [saved] = await saveTurns(tx, tenantId, [{ save: { conversationId, record }, trace: null }]);
      if (!saved) throw contextConflict();
      return { ...record, version: record.version + 1 };
    },

    /**
     * Called after the saving transaction committed, so the cache never holds an uncommitted context.
     * Best effort: the turn is already durable, and a copy left older than the database only costs
     * the next turn a conflict and a re-run from the database (only lock holders read the cache).
     */
    async cache(tenantId: string, conversationId: string, record: ConversationRecord): Promise<void> {
      const key = cacheKey(tenantId, conversationId);
      const { flowId, flowVersion, snapshot, version, updatedAt, recentMessageIds } = record;
      const cached: Omit<StoredRecord, 'context'> = { flowId, flowVersion, version, updatedAt, recentMessageIds };
      await kv.set(key, withContext(cached, snapshot), { ttlMs: CACHE_TTL_MS }).catch(() => kv.del(key).catch(() => undefined));
    },

    async forget(tenantId: string, conversationId: string): Promise<void> {
      await kv.del(cacheKey(tenantId, conversationId));
    },
  };
}

export type ContextStore = ReturnType<typeof createContextStore>;
