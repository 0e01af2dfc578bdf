import type { Clock } from '../../shared/clock.js';
import type { Ids } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import type { Adaptors } from '../adaptors/contract.js';
import type { Models } from '../models/contract.js';
import type { Kv, Locks, Sql } from '../storage/contract.js';
import { createCompiledFlows } from './compiled-flows.js';
import { createContextStore } from './context-store.js';
import type { Engine, TurnRecord } from './contract.js';
import { createExecutionService } from './execution.js';
import { createFlowStore } from './flow-store.js';

export * from './contract.js';
export { engineMigrations } from './migrations.js';

export interface EngineDeps {
  sql: Sql;
  kv: Kv;
  locks: Locks;
  models: Models;
  adaptors: Adaptors;
  clock: Clock;
  ids: Ids;
  logger: Logger;
  config: { maxStepsPerTurn: number; lockTtlMs: number; lockWaitMs: number };
  /** Receives every finished turn, for analytics; it must return at once. */
  onTurn?: (record: TurnRecord) => void;
}

export function createEngine(deps: EngineDeps): Engine {
  const flows = createFlowStore(deps);
  const contexts = createContextStore(deps);
  const execution = createExecutionService({
    ...deps,
    flows,
    contexts,
    compiledFlows: createCompiledFlows({ flows }),
    maxSteps: deps.config.maxStepsPerTurn,
    lockTtlMs: deps.config.lockTtlMs,
    lockWaitMs: deps.config.lockWaitMs,
    onTurn: deps.onTurn ?? (() => undefined),
  });

  return {
    processMessage: (tenantId, conversationId, message) => execution.processMessage(tenantId, conversationId, message),
    async getConversation(tenantId, conversationId) {
      const record = await contexts.load(tenantId, conversationId);
      if (!record) return null;
      const { context } = record;
      return {
        conversationId,
        flowId: record.flowId,
        flowVersion: record.flowVersion,
        state: context.state,
        status: context.status,
        turn: context.turn,
        slots: context.slots,
        vars: context.vars,
        updatedAt: record.updatedAt,
      };
    },
    createFlow: (tenantId, source) => flows.create(tenantId, source),
    listFlows: (tenantId) => flows.list(tenantId),
    getFlow: (tenantId, flowId) => flows.get(tenantId, flowId),
    publishFlow: (tenantId, flowId) => flows.publish(tenantId, flowId),
    setDefaultFlow: (tenantId, flowId) => flows.setDefault(tenantId, flowId),
  };
}
