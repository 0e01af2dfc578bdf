/** Checks of sub-flow calls and handoff waits that need the whole flow: a flow may not call itself. */
import { flowError, flowWarning, type FlowIssue } from './flow-issue.js';
import type { FlowDefinition } from './flow-schema.js';
import type { FlowSources } from './flow-sources.js';

export function validateCalls(flow: Pick<FlowDefinition, 'name' | 'states'>, sources: FlowSources): FlowIssue[] {
  const issues: FlowIssue[] = [];
  for (const call of sources.calls) {
    if (call.flow === flow.name) {
      issues.push(flowError(call.path, 'flow_cycle', `flow '${flow.name}' calls itself; a sub-flow must be another flow (loop with a transition instead)`));
    }
  }
  for (const [name, state] of Object.entries(flow.states)) {
    if (state.type !== 'handoff' || !state.waiting) continue;
    if (state.waiting.then !== undefined && state.waiting.timeout_minutes === undefined) {
      issues.push(flowWarning(`states.${name}.waiting.then`, 'no_timeout', `handoff state '${name}' has waiting.then but no waiting.timeout_minutes, so the user never goes there`));
    }
  }
  return issues;
}
