import { AppError, isAppError } from '../../shared/app-error.js';
import type { Clock } from '../../shared/clock.js';
import type { Ids } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import type { Adaptors } from '../adaptors/contract.js';
import type { Knowledge } from '../knowledge/contract.js';
import type { Models } from '../models/contract.js';
import { isUniqueViolation, type Locks, type Sql } from '../storage/index.js';
import type { CompiledFlows } from './compiled-flows.js';
import { contextConflict, type ContextStore, type ConversationRecord } from './context-store.js';
import type { InboundTurn, ScheduleRequest, StagedRows, TurnHooks, TurnRecord, TurnResult } from './contract.js';
import type { SideEffect } from './flow/index.js';
import type { FlowStore } from './flow-store.js';
import { runTurnCore } from './run-turn.js';
import type { TurnCommits } from './turn-commits.js';

export interface ExecutionDeps {
  sql: Sql;
  locks: Locks;
  models: Models;
  adaptors: Adaptors;
  knowledge?: Knowledge | undefined;
  flows: FlowStore;
  compiledFlows: CompiledFlows;
  contexts: ContextStore;
  clock: Clock;
  ids: Ids;
  logger: Logger;
  maxSteps: number;
  lockTtlMs: number;
  lockWaitMs: number;
  commits: TurnCommits;
  /** The analytics rows of a finished turn, stored in the turn's own transaction. */
  turnRows: (record: TurnRecord) => StagedRows | null;
  /** The workspace's redaction of personal data before a message or trace is stored (privacy), when it asks for one. */
  redactFor?: ((tenantId: string) => Promise<(<T>(value: T) => T) | null>) | undefined;
}

/** A turn that loaded a stale cached context is run again once from the database copy. */
const MAX_ATTEMPTS = 2;
/** How many client message ids a context remembers; an older retry is still caught by the turn log's unique index. */
const RECENT_IDS = 32;

/** The turn's schedule requests, for chat to store with it. */
function schedulesOf(effects: readonly SideEffect[]): { schedules?: ScheduleRequest[] } {
  const schedules = effects.filter((e): e is Extract<SideEffect, { kind: 'schedule' | 'unschedule' }> => e.kind === 'schedule' || e.kind === 'unschedule');
  return schedules.length > 0 ? { schedules } : {};
}

/** A retry of a message that a committed turn already applied. */
class AlreadyApplied extends Error {}

export function createExecutionService(deps: ExecutionDeps) {
  const { clock, ids } = deps;

  /**
   * Which flow version the turn runs on: the conversation's own until it ends, else the latest of
   * the flow its channel routes to (`message.flowId`), else the default's latest.
   */
  async function resolveFlow(tenantId: string, record: ConversationRecord | null, routed: string | undefined) {
    if (record && record.snapshot.status !== 'ended') return { flowId: record.flowId, flowVersion: record.flowVersion };
    if (routed) {
      const version = await deps.flows.latestVersion(tenantId, routed).catch((error: unknown) => {
        // A route to a flow deleted or unpublished since: the default flow answers instead of nobody.
        if (isAppError(error) && (error.code === 'flow_not_found' || error.code === 'flow_not_published')) return null;
        throw error;
      });
      if (version !== null) return { flowId: routed, flowVersion: version };
      deps.logger.warn({ tenantId, flowId: routed }, 'channel route names a flow without a published version; using the default flow');
    }
    const latest = await deps.flows.defaultVersion(tenantId);
    if (!latest) {
      throw new AppError('no_default_flow', 'This workspace has no default flow yet: publish a flow and make it the default.');
    }
    return { flowId: latest.flowId, flowVersion: latest.version };
  }

  async function storedResult(tenantId: string, conversationId: string, messageId: string): Promise<TurnResult> {
    const [row] = await deps.sql.withTenant(tenantId, (tx) =>
      tx.query<{ result: TurnResult }>('SELECT result FROM turn_traces WHERE tenant_id = $1 AND conversation_id = $2 AND message_id = $3', [
        tenantId,
        conversationId,
        messageId,
      ]),
    );
    if (!row) throw new AppError('conflict', `Message '${messageId}' was applied, but its result is gone; it is not run again.`);
    return row.result;
  }

  async function runTurn(
    tenantId: string,
    conversationId: string,
    message: InboundTurn,
    hooks: TurnHooks,
    attempt: { fresh: boolean; lockWaitMs: number; cached: string | null | undefined },
  ) {
    const startedAt = clock.isoNow();
    const started = clock.now();
    const loaded = attempt.fresh ? await deps.contexts.loadFromDb(tenantId, conversationId) : await deps.contexts.load(tenantId, conversationId, attempt.cached);
    if (message.id && loaded?.recentMessageIds.includes(message.id)) throw new AlreadyApplied();
    const target = await resolveFlow(tenantId, loaded, message.flowId);
    const flow = await deps.compiledFlows.get(tenantId, target.flowId, target.flowVersion);
    const { result, snapshot, replies, trace, summary, sideEffects, nlu } = await runTurnCore(
      { models: deps.models, adaptors: deps.adaptors, knowledge: deps.knowledge, clock, maxSteps: deps.maxSteps, subflows: deps.compiledFlows.subflows },
      { tenantId, flow, modelKey: `${target.flowId}@${target.flowVersion}`, snapshot: loaded?.snapshot ?? null, message },
    );
    // The stored state was unreadable and the conversation started over: the trace says why.
    if (loaded?.discarded) {
      trace.unshift({ type: 'error', state: null, code: 'state_unreadable', message: `${loaded.discarded}; the conversation started over`, at: startedAt });
      summary.errors.unshift({ state: null, code: 'state_unreadable' });
    }

    const turnId = ids.uuid();
    const status = result.status === 'effect' ? 'waiting' : result.status;
    const outcome: TurnResult = {
      turnId,
      replies,
      state: result.context.state,
      intent: nlu?.intent.name ?? null,
      confidence: nlu?.intent.confidence ?? null,
      ended: status === 'ended',
      handoff: status === 'handoff',
      ...schedulesOf(sideEffects),
      // A handoff that timed out to the flow: chat clears its mark.
      ...(loaded?.snapshot.status === 'handoff' && status !== 'handoff' ? { leftHandoff: true } : {}),
    };
    const record: TurnRecord = {
      tenantId,
      conversationId,
      turnId,
      ...target,
      channel: message.channel,
      turn: result.context.turn,
      startedAt,
      latencyMs: clock.now() - started,
      lockWaitMs: attempt.lockWaitMs,
      status,
      state: result.context.state,
      replies: replies.length,
      summary,
      sideEffects,
    };
    const recent = loaded?.recentMessageIds ?? [];
    const save = {
      conversationId,
      record: {
        ...target,
        snapshot,
        version: loaded?.version ?? 0,
        updatedAt: clock.isoNow(),
        recentMessageIds: message.id ? [...recent.slice(1 - RECENT_IDS), message.id] : recent,
      },
    };
    // Everything the turn produced, committed whole (with other turns that finish alongside): the
    // context (fenced by its version), the trace with the result a retry gets back, the caller's
    // rows and the analytics record.
    const analytics = deps.turnRows(record);
    const redact = await deps.redactFor?.(tenantId);
    const commit = hooks.commit?.(outcome);
    const committed = await deps.commits.commit(tenantId, {
      save,
      trace: { turnId, turn: result.context.turn, ...target, trace: redact ? redact(trace) : trace, messageId: message.id ?? null, result: outcome },
      staged: [...(hooks.stage?.(outcome) ?? []), ...(analytics ? [analytics] : [])],
      ...(commit ? { commit } : {}),
    });
    if (!committed) throw contextConflict();
    const saved: ConversationRecord = { ...save.record, version: save.record.version + 1 };
    return { outcome, saved };
  }

  return {
    async processMessage(tenantId: string, conversationId: string, message: InboundTurn, hooks: TurnHooks = {}): Promise<TurnResult> {
      const waitStarted = clock.now();
      const lock = await deps.locks.acquire(`lock:conversation:${tenantId}:${conversationId}`, {
        ttlMs: deps.lockTtlMs,
        waitMs: deps.lockWaitMs,
        read: deps.contexts.cacheKey(tenantId, conversationId),
      });
      const lockWaitMs = clock.now() - waitStarted;
      let released = false;
      try {
        for (let attempt = 1; ; attempt += 1) {
          try {
            const { outcome, saved } = await runTurn(tenantId, conversationId, message, hooks, { fresh: attempt > 1, lockWaitMs, cached: lock.read });
            if (lock.lost) deps.logger.warn({ tenantId, conversationId }, 'conversation lock expired during a turn; its save was fenced by version');
            // Issued together, so that Redis gets both in one round trip (the cache update first).
            released = true;
            await Promise.all([deps.contexts.cache(tenantId, conversationId, saved), lock.release()]);
            return outcome;
          } catch (error) {
            if (error instanceof AlreadyApplied || (message.id && isUniqueViolation(error))) return await storedResult(tenantId, conversationId, message.id!);
            if (isAppError(error) && error.code === 'conflict' && attempt < MAX_ATTEMPTS) continue;
            throw error;
          }
        }
      } finally {
        if (!released) await lock.release();
      }
    },
  };
}
