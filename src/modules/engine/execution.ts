import { AppError, isAppError } from '../../shared/app-error.js';
import type { Clock } from '../../shared/clock.js';
import type { Ids } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import type { Adaptors } from '../adaptors/contract.js';
import type { Models, NluResult } from '../models/contract.js';
import type { Locks, Sql } from '../storage/contract.js';
import type { CompiledFlows } from './compiled-flows.js';
import type { ContextStore, ConversationRecord } from './context-store.js';
import type { InboundTurn, Reply, TurnResult } from './contract.js';
import { performEffect } from './effects.js';
import { type StepResult, type TraceEvent, step } from './flow/index.js';
import type { FlowStore } from './flow-store.js';

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

  async function runTurn(tenantId: string, conversationId: string, message: InboundTurn, fresh: boolean) {
    const loaded = fresh
      ? await deps.contexts.loadFromDb(tenantId, conversationId)
      : await deps.contexts.load(tenantId, conversationId);
    const target = await resolveFlow(tenantId, loaded);
    const flow = await deps.compiledFlows.get(tenantId, target.flowId, target.flowVersion);
    const text = message.text?.trim() ?? '';
    const nlu: NluResult | null = text
      ? await deps.models.parse(tenantId, {
          modelKey: `${target.flowId}@${target.flowVersion}`,
          nlu: flow.nlu,
          text,
          now: clock.isoNow(),
        })
      : null;

    let result: StepResult = step(
      flow,
      loaded?.context ?? null,
      { type: 'message', text: message.text, payload: message.payload, nlu, channel: message.channel, user: message.user, now: clock.isoNow() },
      { maxSteps: deps.maxSteps },
    );
    const replies: Reply[] = [...result.replies];
    const trace: TraceEvent[] = [...result.trace];
    while (result.effect) {
      const event = await performEffect(deps, tenantId, result.effect, () => clock.isoNow());
      result = step(flow, result.context, event, { maxSteps: deps.maxSteps });
      replies.push(...result.replies);
      trace.push(...result.trace);
    }
    const saved = await deps.contexts.save(tenantId, conversationId, {
      ...target,
      context: result.context,
      version: loaded?.version ?? 0,
      updatedAt: clock.isoNow(),
    });
    return { saved, result, replies, trace, nlu };
  }

  return {
    async processMessage(tenantId: string, conversationId: string, message: InboundTurn): Promise<TurnResult> {
      const lock = await deps.locks.acquire(`lock:conversation:${tenantId}:${conversationId}`, {
        ttlMs: deps.lockTtlMs,
        waitMs: deps.lockWaitMs,
      });
      try {
        let attempt = 0;
        for (;;) {
          attempt += 1;
          try {
            const turn = await runTurn(tenantId, conversationId, message, attempt > 1);
            if (lock.lost) deps.logger.warn({ tenantId, conversationId }, 'conversation lock expired during a turn');
            const turnId = ids.uuid();
            await deps.sql.query(
              `INSERT INTO turn_traces (id, tenant_id, conversation_id, turn, flow_id, flow_version, trace)
               VALUES ($1, $2, $3, $4, $5, $6, $7)`,
              [turnId, tenantId, conversationId, turn.result.context.turn, turn.saved.flowId, turn.saved.flowVersion, JSON.stringify(turn.trace)],
            );
            return {
              turnId,
              replies: turn.replies,
              state: turn.result.context.state,
              intent: turn.nlu?.intent.name ?? null,
              confidence: turn.nlu?.intent.confidence ?? null,
              ended: turn.result.status === 'ended',
              handoff: turn.result.status === 'handoff',
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
