/** `Engine.testFlow`: a posted suite run against a stored flow's latest published version or its draft. */
import { AppError } from '../../../shared/app-error.js';
import type { CompiledFlows } from '../compiled-flows.js';
import type { FlowStore } from '../flow-store.js';
import type { TurnCoreDeps } from '../run-turn.js';
import type { SuiteResult } from './results.js';
import { runConversationSuite, type SuiteFlow } from './run-suite.js';
import { type ConversationSuite, parseSuite } from './suite-schema.js';

/** Parses a posted suite; throws bad_request with every problem and its path. */
export function checkSuite(input: string | object): ConversationSuite {
  const parsed = parseSuite(input);
  if (parsed.ok) return parsed.suite;
  const first = parsed.issues[0];
  const summary = first ? `${first.path ? `${first.path}: ` : ''}${first.message}` : 'it does not match the test file format';
  const more = parsed.issues.length > 1 ? ` (and ${parsed.issues.length - 1} more)` : '';
  throw new AppError('bad_request', `The conversation tests are not valid: ${summary}${more}.`, {
    details: { issues: parsed.issues.map(({ path, message }) => ({ path, message })) },
  });
}

export function createFlowTester(deps: { flows: FlowStore; compiledFlows: CompiledFlows; turn: TurnCoreDeps }) {
  return {
    async testFlow(tenantId: string, flowId: string, suite: string | object, options: { draft: boolean }): Promise<SuiteResult> {
      // The flow first: an unknown id is a 404 whatever the body holds.
      let flow: SuiteFlow;
      if (options.draft) {
        flow = { source: await deps.flows.draftOf(tenantId, flowId) };
      } else {
        const version = await deps.flows.latestVersion(tenantId, flowId);
        // The production model key, so the suite reuses (and warms) the version's trained NLU.
        flow = { compiled: await deps.compiledFlows.get(tenantId, flowId, version), modelKey: `${flowId}@${version}` };
      }
      return runConversationSuite({ flow, suite: checkSuite(suite), deps: deps.turn, tenantId });
    },
  };
}
