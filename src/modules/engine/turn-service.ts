import type { CompiledFlows } from './compiled-flows.js';
import type { ContextStore } from './context-store.js';
import type { TurnService } from './contract.js';
import { createConversationAdmin } from './conversation-admin.js';
import type { createExecutionService } from './execution.js';
import type { TurnCoreDeps } from './run-turn.js';
import type { Locks, Sql } from '../storage/contract.js';

interface TurnServiceDeps {
  sql: Sql;
  locks: Locks;
  contexts: ContextStore;
  compiledFlows: CompiledFlows;
  execution: ReturnType<typeof createExecutionService>;
  turn: TurnCoreDeps;
  lockWaitMs: number;
}

/** The hot path: a turn runs through the execution service; the rest reads or changes a conversation's context under the same lock. */
export function createTurnService(deps: TurnServiceDeps): TurnService {
  const { contexts, execution } = deps;
  const admin = createConversationAdmin(deps);
  return {
    processMessage: (tenantId, conversationId, message, hooks) => execution.processMessage(tenantId, conversationId, message, hooks),
    async getConversation(tenantId, conversationId) {
      // From the database: the cache serves lock holders only, so a reader never sees older state.
      const record = await contexts.loadFromDb(tenantId, conversationId);
      if (!record) return null;
      const { snapshot } = record;
      return {
        conversationId,
        flowId: record.flowId,
        flowVersion: record.flowVersion,
        state: snapshot.state,
        status: snapshot.status,
        turn: snapshot.turn,
        slots: snapshot.slots,
        vars: snapshot.vars,
        calls: snapshot.frames.map((frame) => ({ flow: frame.name, version: frame.version, from: frame.state })),
        updatedAt: record.updatedAt,
      };
    },
    getTrace: (tenantId, conversationId, limit) => admin.traces(tenantId, conversationId, limit),
    resetConversation: (tenantId, conversationId) => admin.reset(tenantId, conversationId),
    handBack: (tenantId, conversationId, hooks) => admin.handBack(tenantId, conversationId, hooks?.commit),
    assignHandoff: (tenantId, conversationId, agent, hooks) => admin.assign(tenantId, conversationId, agent, hooks?.commit),
  };
}
