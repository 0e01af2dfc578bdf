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
import type { Engine, StagedRows, TurnRecord } from './contract.js';
import { createConversationAdmin } from './conversation-admin.js';
import { createFlowTester } from './conversation-tests/index.js';
import { createExecutionService } from './execution.js';
import { compileFlow, flowJsonSchema } from './flow/index.js';
import { checkFlowSource, createFlowStore } from './flow-store.js';
import { modelKeyOf } from './model-keys.js';
import { findNluMisses } from './nlu-misses.js';
import { publishPinned } from './pin-training-data.js';
import { createPlayground } from './playground.js';
import { createTurnCommits } from './turn-commits.js';

export * from './contract.js';
export { engineMigrations } from './migrations.js';
export { engineTenantData } from './tenant-data.js';
export { createEnginePersonData } from './person-data.js';
// For benchmarks and tools that run a flow in process, without storage.
export { runTurnCore as runFlowTurn } from './run-turn.js';
// For tools that read stored conversations (and run them in process, as the benchmarks do).
export { readSnapshot, SNAPSHOT_VERSION, type ConversationSnapshot } from './flow/index.js';
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
  /** The workspace's redaction of personal data before a message or trace is stored (privacy), when it asks for one. */
  redactFor?: (tenantId: string) => Promise<(<T>(value: T) => T) | null>;
}

export function createEngine(deps: EngineDeps): Engine {
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
    commits: createTurnCommits({ sql: deps.sql, contexts }),
    turnRows: deps.turnRows ?? (() => null),
  });
  const turnDeps = { ...deps, maxSteps: deps.config.maxStepsPerTurn, subflows: compiledFlows.subflows };
  const admin = createConversationAdmin({ ...deps, contexts, compiledFlows, turn: turnDeps, lockWaitMs: deps.config.lockWaitMs });
  const playground = createPlayground({ ...deps, flows, compiledFlows, maxSteps: deps.config.maxStepsPerTurn });
  const integrationsOf = (tenantId: string) => deps.adaptors.listIntegrationNames(tenantId);
  const tester = createFlowTester({ flows, compiledFlows, turn: turnDeps });

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
    createFlow: async (tenantId, source) => flows.create(tenantId, source, await integrationsOf(tenantId)),
    updateFlow: async (tenantId, flowId, source, options) =>
      flows.update(tenantId, flowId, source, { integrations: await integrationsOf(tenantId), allowErrors: options?.allowErrors ?? false }),
    async validateFlow(tenantId, source) {
      const checked = checkFlowSource(source, await integrationsOf(tenantId));
      return checked.ok ? { valid: true, warnings: checked.warnings } : { valid: false, issues: checked.issues };
    },
    flowSchema: () => flowJsonSchema(),
    listFlows: (tenantId) => flows.list(tenantId),
    getFlow: (tenantId, flowId) => flows.get(tenantId, flowId),
    getFlowVersion: (tenantId, flowId, version) => flows.version(tenantId, flowId, version),
    async publishFlow(tenantId, flowId) {
      const published = await publishPinned({ flows, models: deps.models }, tenantId, flowId);
      // Trains the version's model now, off the turn path (other instances train on first use).
      const flow = await compiledFlows.get(tenantId, flowId, published.version);
      await deps.models.prepare(tenantId, { modelKey: `${flowId}@${published.version}`, nlu: flow.nlu }).catch((error: unknown) =>
        deps.logger.warn({ tenantId, flowId, err: error }, 'could not train the published version ahead of its first turn'),
      );
      return published;
    },
    setDefaultFlow: (tenantId, flowId) => flows.setDefault(tenantId, flowId),
    async parseNlu(tenantId, flowId, text, options) {
      const version = options.draft ? 'draft' : await flows.latestVersion(tenantId, flowId);
      const flow = version === 'draft' ? compileFlow(await flows.draftOf(tenantId, flowId)) : await compiledFlows.get(tenantId, flowId, version);
      return deps.models.parse(tenantId, { modelKey: modelKeyOf(flowId, version, flow), nlu: flow.nlu, text, now: deps.clock.isoNow() });
    },
    nluMisses: (tenantId, query) => findNluMisses(deps.sql, tenantId, { ...query, since: new Date(deps.clock.now() - query.days * 86_400_000).toISOString() }),
    tryFlow: (tenantId, flowId, sessionId, message, options) => playground.send(tenantId, flowId, sessionId, message, options),
    testFlow: (tenantId, flowId, suite, options) => tester.testFlow(tenantId, flowId, suite, options),
  };
}
