import { AppError } from '../../shared/app-error.js';
import type { Clock } from '../../shared/clock.js';
import type { Adaptors } from '../adaptors/contract.js';
import type { Knowledge } from '../knowledge/contract.js';
import type { Models } from '../models/contract.js';
import type { Kv } from '../storage/contract.js';
import type { CompiledFlows } from './compiled-flows.js';
import type { InboundTurn, PlaygroundTurn } from './contract.js';
import { compileFlow, type CompiledFlow, readSnapshot } from './flow/index.js';
import type { FlowStore } from './flow-store.js';
import { modelKeyOf } from './model-keys.js';
import { runTurnCore } from './run-turn.js';

const SESSION_TTL_MS = 60 * 60_000;

/** `context` is the conversation's snapshot, of whichever version wrote it. */
interface PlaygroundSession {
  context: unknown;
  version: number | 'draft';
}

/**
 * "Try it": a flow (its draft or a published version) run in a throwaway session kept in the
 * key-value store, so that bot builders can test before publishing without creating real
 * conversations, messages or analytics.
 */
export function createPlayground(deps: { kv: Kv; flows: FlowStore; compiledFlows: CompiledFlows; models: Models; adaptors: Adaptors; knowledge?: Knowledge | undefined; clock: Clock; maxSteps: number }) {
  const key = (tenantId: string, flowId: string, sessionId: string) => `playground:${tenantId}:${flowId}:${sessionId}`;

  async function flowFor(tenantId: string, flowId: string, draft: boolean): Promise<{ flow: CompiledFlow; version: number | 'draft' }> {
    if (draft) return { flow: compileFlow(await deps.flows.draftOf(tenantId, flowId)), version: 'draft' };
    const version = await deps.flows.latestVersion(tenantId, flowId);
    return { flow: await deps.compiledFlows.get(tenantId, flowId, version), version };
  }

  return {
    async send(tenantId: string, flowId: string, sessionId: string, message: InboundTurn, options: { draft: boolean }): Promise<PlaygroundTurn> {
      const stored = await deps.kv.get(key(tenantId, flowId, sessionId));
      const session = stored ? (JSON.parse(stored) as PlaygroundSession) : null;
      const { flow, version } = await flowFor(tenantId, flowId, options.draft);
      if (session && session.version !== version) {
        throw new AppError('conflict', 'The flow changed since this try-it session started; start a new session.');
      }
      // A throwaway session whose state this engine cannot read just starts afresh.
      const read = session ? readSnapshot(session.context) : null;
      const outcome = await runTurnCore(
        { models: deps.models, adaptors: deps.adaptors, knowledge: deps.knowledge, clock: deps.clock, maxSteps: deps.maxSteps, subflows: deps.compiledFlows.subflows },
        { tenantId, flow, modelKey: modelKeyOf(flowId, version, flow), snapshot: read?.ok ? read.snapshot : null, message },
      );
      const saved: PlaygroundSession = { context: outcome.snapshot, version };
      await deps.kv.set(key(tenantId, flowId, sessionId), JSON.stringify(saved), { ttlMs: SESSION_TTL_MS });
      return {
        replies: outcome.replies,
        state: outcome.result.context.state,
        intent: outcome.nlu?.intent.name ?? null,
        confidence: outcome.nlu?.intent.confidence ?? null,
        ended: outcome.result.status === 'ended',
        handoff: outcome.result.status === 'handoff',
        slots: outcome.result.context.slots,
        vars: outcome.result.context.vars,
        trace: outcome.trace,
      };
    },
  };
}
