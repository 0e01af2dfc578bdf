import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { Adaptors } from '../adaptors/contract.js';
import type { Models } from '../models/contract.js';
import type { Kv, Sql } from '../storage/contract.js';
import type { CompiledFlows } from './compiled-flows.js';
import type { FlowAuthoring } from './contract.js';
import { createFlowTester } from './conversation-tests/index.js';
import { compileFlow, flowJsonSchema, stateKindTraits } from './flow/index.js';
import { checkFlowSource, type FlowStore } from './flow-store.js';
import { modelKeyOf } from './model-keys.js';
import { findNluMisses } from './nlu-misses.js';
import { publishPinned } from './pin-training-data.js';
import { createPlayground } from './playground.js';
import type { TurnCoreDeps } from './run-turn.js';

interface FlowAuthoringDeps {
  sql: Sql;
  kv: Kv;
  models: Models;
  adaptors: Adaptors;
  clock: Clock;
  logger: Logger;
  flows: FlowStore;
  compiledFlows: CompiledFlows;
  turn: TurnCoreDeps;
}

/** Drafts and versions live in the flow store; "try it" and tests run the same turn core as conversations, without storing a turn. */
export function createFlowAuthoring(deps: FlowAuthoringDeps): FlowAuthoring {
  const { flows, compiledFlows } = deps;
  const playground = createPlayground({ ...deps.turn, kv: deps.kv, flows, compiledFlows });
  const tester = createFlowTester({ flows, compiledFlows, turn: deps.turn });
  const integrationsOf = (tenantId: string) => deps.adaptors.listIntegrationNames(tenantId);
  return {
    createFlow: async (tenantId, source) => flows.create(tenantId, source, await integrationsOf(tenantId)),
    updateFlow: async (tenantId, flowId, source, options) =>
      flows.update(tenantId, flowId, source, { integrations: await integrationsOf(tenantId), allowErrors: options?.allowErrors ?? false }),
    async validateFlow(tenantId, source) {
      const checked = checkFlowSource(source, await integrationsOf(tenantId));
      return checked.ok ? { valid: true, warnings: checked.warnings } : { valid: false, issues: checked.issues };
    },
    flowSchema: () => flowJsonSchema(),
    stateKinds: () => stateKindTraits(),
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
