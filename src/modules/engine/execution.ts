import { AppError, isAppError } from '../../shared/app-error.js';
import type { Clock } from '../../shared/clock.js';
import type { Ids } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import type { Adaptors } from '../adaptors/contract.js';
import type { Models } from '../models/contract.js';
import type { Locks, Sql } from '../storage/contract.js';
import type { CompiledFlows } from './compiled-flows.js';
import type { ContextStore, ConversationRecord } from './context-store.js';
import type { InboundTurn, TurnRecord, TurnResult } from './contract.js';
import type { FlowStore } from './flow-store.js';
import { runTurnCore } from './run-turn.js';

export interface ExecutionDeps {
  sql: Sql;
  locks: Locks;
  models: Models;
  adaptors: Adaptors;
  flows: FlowStore;
  compiledFlows: CompiledFlows;
  contexts: ContextStore;
  clock: Clock;
  ids: Ids;
  logger: Logger;
  maxSteps: number;
  lockTtlMs: number;
  lockWaitMs: number;
  /** Receives every finished turn (analytics); must not block. */
  onTurn: (record: TurnRecord) => void;
}

/** A turn that loaded a stale cached context is run again once from the database copy. */
const MAX_ATTEMPTS = 2;

export function createExecutionService(deps: ExecutionDeps) {
  const { clock, ids } = deps;

  /** Which flow version the turn runs on: the conversation's own until it ends, else the default's latest. */
  async function resolveFlow(tenantId: string, record: ConversationRecord | null) {
    if (record && record.context.status !== 'ended') return { flowId: record.flowId, flowVersion: record.flowVersion };
    const latest = await deps.flows.defaultVersion(tenantId);
    if (!latest) {
      throw new AppError('no_default_flow', 'This workspace has no default flow yet: publish a flow and make it the default.');
    }
    return { flowId: latest.flowId, flowVersion: latest.version };
  }

  async function runTurn(tenantId: string, conversationId: string, message: InboundTurn, fresh: boolean, lockWaitMs: number) {
    const startedAt = clock.isoNow();
    const started = clock.now();
    const loaded = fresh ? await deps.contexts.loadFromDb(tenantId, conversationId) : await deps.contexts.load(tenantId, conversationId);
    const target = await resolveFlow(tenantId, loaded);
    const flow = await deps.compiledFlows.get(tenantId, target.flowId, target.flowVersion);
    const { result, replies, trace, sideEffects, nlu } = await runTurnCore(
      { models: deps.models, adaptors: deps.adaptors, clock, maxSteps: deps.maxSteps },
      { tenantId, flow, modelKey: `${target.flowId}@${target.flowVersion}`, context: loaded?.context ?? null, message },
    );

    const turnId = ids.uuid();
    const saved = await deps.sql.withTenant(tenantId, async (tx) => {
      const next = await deps.contexts.save(tx, tenantId, conversationId, {
        ...target,
        context: result.context,
        version: loaded?.version ?? 0,
        updatedAt: clock.isoNow(),
      });
      await tx.query(
        `INSERT INTO turn_traces (id, tenant_id, conversation_id, turn, flow_id, flow_version, trace)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [turnId, tenantId, conversationId, result.context.turn, target.flowId, target.flowVersion, JSON.stringify(trace)],
      );
      return next;
    });
    await deps.contexts.cache(tenantId, conversationId, saved);

    const status = result.status === 'effect' ? 'waiting' : result.status;
    const record: TurnRecord = {
      tenantId,
      conversationId,
      turnId,
      ...target,
      channel: message.channel,
      turn: result.context.turn,
      newRun: !loaded || loaded.context.status === 'ended',
      startedAt,
      latencyMs: clock.now() - started,
      lockWaitMs,
      status,
      state: result.context.state,
      replies: replies.length,
      trace,
      sideEffects,
    };
    return { record, replies, nlu };
  }

  return {
    async processMessage(tenantId: string, conversationId: string, message: InboundTurn): Promise<TurnResult> {
      const waitStarted = clock.now();
      const lock = await deps.locks.acquire(`lock:conversation:${tenantId}:${conversationId}`, {
        ttlMs: deps.lockTtlMs,
        waitMs: deps.lockWaitMs,
      });
      const lockWaitMs = clock.now() - waitStarted;
      try {
        for (let attempt = 1; ; attempt += 1) {
          try {
            const { record, replies, nlu } = await runTurn(tenantId, conversationId, message, attempt > 1, lockWaitMs);
            if (lock.lost) deps.logger.warn({ tenantId, conversationId }, 'conversation lock expired during a turn');
            deps.onTurn(record);
            return {
              turnId: record.turnId,
              replies,
              state: record.state,
              intent: nlu?.intent.name ?? null,
              confidence: nlu?.intent.confidence ?? null,
              ended: record.status === 'ended',
              handoff: record.status === 'handoff',
            };
          } catch (error) {
            if (isAppError(error) && error.code === 'conflict' && attempt < MAX_ATTEMPTS) continue;
            throw error;
          }
        }
      } finally {
        await lock.release();
      }
    },
  };
}
