import { AppError } from '../../shared/app-error.js';
import type { Clock } from '../../shared/clock.js';
import type { Ids } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import type { Adaptors } from '../adaptors/contract.js';
import type { Knowledge } from '../knowledge/contract.js';
import type { Models } from '../models/contract.js';
import type { Kv, Locks, Sql } from '../storage/contract.js';
import { createCompiledFlows } from './compiled-flows.js';
import { createContextStore } from './context-store.js';
import type { FlowAuthoring, StagedRows, TurnRecord, TurnService } from './contract.js';
import { createExecutionService } from './execution.js';
import { compileFlow } from './flow/index.js';
import { createFlowAuthoring } from './flow-authoring.js';
import { checkFlowSource, createFlowStore } from './flow-store.js';
import { createTurnCommits } from './turn-commits.js';
import { createTurnService } from './turn-service.js';

export * from './contract.js';
export { engineMigrations } from './migrations.js';
export { engineTenantData } from './tenant-data.js';
export { createEnginePersonData } from './person-data.js';
// For benchmarks and tools that run a flow in process, without storage.
export { runTurnCore as runFlowTurn } from './run-turn.js';
// For tools that read stored conversations (and run them in process, as the benchmarks do).
export { readSnapshot, SNAPSHOT_VERSION, type ConversationSnapshot } from './flow/index.js';
// The state kinds' traits, as `GET /v1/flows/state-types` serves them (editors and their tests).
export { stateKindTraits } from './flow/index.js';
// For `mcp-engine test`, which runs conversation tests offline without storage.
export { parseSuite, runConversationSuite } from './conversation-tests/index.js';

/** Parses, validates and compiles flow source; throws flow_invalid with every issue. */
export function compileFlowSource(source: string | object) {
  const checked = checkFlowSource(source);
  if (!checked.ok) throw new AppError('flow_invalid', 'The flow has errors.', { details: { issues: checked.issues } });
  return compileFlow(checked.flow);
}

export interface EngineDeps {
  sql: Sql;
  kv: Kv;
  locks: Locks;
  models: Models;
  adaptors: Adaptors;
  /** Where `answer` states and agents' knowledge search look; without it they find nothing. */
  knowledge?: Knowledge;
  clock: Clock;
  ids: Ids;
  logger: Logger;
  config: { maxStepsPerTurn: number; lockTtlMs: number; lockWaitMs: number };
  /** The analytics rows of every finished turn, stored in the turn's transaction (so none is lost or counted twice). */
  turnRows?: (record: TurnRecord) => StagedRows | null;
  /** Each turn's wait for its group commit, in seconds (operator metrics). */
  observeCommitWait?: (seconds: number) => void;
  /** The workspace's redaction of personal data before a message or trace is stored (privacy), when it asks for one. */
  redactFor?: (tenantId: string) => Promise<(<T>(value: T) => T) | null>;
}

/**
 * The engine's two halves over one flow store (publishing and a new default must be seen by the
 * next turn on this instance): wire `turns` where conversations run and `authoring` where flows
 * are written, so each caller depends on the half it uses.
 */
export function createEngine(deps: EngineDeps): { turns: TurnService; authoring: FlowAuthoring } {
  const flows = createFlowStore(deps);
  const contexts = createContextStore(deps);
  const compiledFlows = createCompiledFlows({ flows });
  const execution = createExecutionService({
    ...deps,
    flows,
    contexts,
    compiledFlows,
    maxSteps: deps.config.maxStepsPerTurn,
    lockTtlMs: deps.config.lockTtlMs,
    lockWaitMs: deps.config.lockWaitMs,
    commits: createTurnCommits({ sql: deps.sql, contexts, ...(deps.observeCommitWait ? { observeWait: deps.observeCommitWait } : {}) }),
    turnRows: deps.turnRows ?? (() => null),
  });
  const turn = { ...deps, maxSteps: deps.config.maxStepsPerTurn, subflows: compiledFlows.subflows };
  return {
    turns: createTurnService({ ...deps, contexts, compiledFlows, execution, turn, lockWaitMs: deps.config.lockWaitMs }),
    authoring: createFlowAuthoring({ ...deps, flows, compiledFlows, turn }),
  };
}
