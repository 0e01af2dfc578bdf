/**
 * Checks the state graph: start and every target exist (with "did you mean"), states are
 * reachable, non-waiting states have somewhere to go, and no cycle can run without waiting.
 */
import { didYouMean } from './did-you-mean.js';
import { flowError, flowWarning, type FlowIssue } from './flow-issue.js';
import type { FlowSources } from './flow-sources.js';
import { RETURN_TARGET } from './return-stack.js';
import { getPath } from './paths.js';
import { stateKind, WAITING_TYPES } from './state-kinds.js';
import type { FlowState } from './state-schema.js';

export interface GraphInput {
  start: string | undefined;
  states: Record<string, FlowState>;
  /** Every state name in the source, including states that failed their own checks. */
  names: ReadonlySet<string>;
  sources: FlowSources;
}

export function validateReferences(input: GraphInput): FlowIssue[] {
  const { start, states, names, sources } = input;
  const issues: FlowIssue[] = [];
  if (start !== undefined && !names.has(start)) {
    issues.push(flowError('start', 'unknown_start', `start state '${start}' does not exist${didYouMean(start, names)}`));
  }
  for (const t of sources.targets) {
    if (names.has(t.to) || t.to === RETURN_TARGET) continue;
    const from = t.from === null ? 'a global transition' : `state '${t.from}'`;
    issues.push(flowError(t.path, 'unknown_state', `${from} → '${t.to}' does not exist${didYouMean(t.to, names)}`));
  }
  issues.push(...deadEnds(states), ...loops(states), ...unreachable(input));
  return issues;
}

/** Whether a state sets any of its kind's own target fields (`on_error`, `fallback.then` …). */
const hasTargetField = (state: FlowState): boolean => stateKind(state.type).targetFields.some((field) => getPath(state, field) !== null);

function deadEnds(states: Record<string, FlowState>): FlowIssue[] {
  return Object.entries(states).flatMap(([name, state]): FlowIssue[] => {
    const kind = stateKind(state.type);
    const exits = (state.transitions?.length ?? 0) > 0 || state.next !== undefined;
    if (kind.ends) return [];
    if (kind.missingExit === 'warning') {
      return exits || hasTargetField(state) ? [] : [flowWarning(`states.${name}`, 'no_exit', `${state.type} state '${name}' has no transitions: only global transitions can leave it`)];
    }
    if (!exits) return [flowError(`states.${name}`, 'no_exit', `state '${name}' has no next or transitions: add next, or make it an end state`)];
    const unconditional = state.next !== undefined || state.transitions?.some((t) => t.when === undefined);
    return unconditional ? [] : [flowWarning(`states.${name}.transitions`, 'no_default', `if no transition of state '${name}' matches, the conversation stops with an error; add a last transition without 'when', or next`)];
  });
}

/** The state a state that moves on always goes to, or null when it may go elsewhere, wait or stop. */
function forcedNext(state: FlowState): string | null {
  const kind = stateKind(state.type);
  if (kind.waitsForInput || kind.ends || kind.mayWaitInside) return null;
  const first = state.transitions?.[0];
  if (first) return first.when === undefined ? first.to : null;
  return state.next ?? null;
}

function loops(states: Record<string, FlowState>): FlowIssue[] {
  const issues: FlowIssue[] = [];
  const reported = new Set<string>();
  for (const origin of Object.keys(states)) {
    const path: string[] = [];
    let current: string | null = origin;
    while (current !== null && !path.includes(current) && !reported.has(current)) {
      path.push(current);
      const state: FlowState | undefined = states[current];
      current = state ? forcedNext(state) : null;
    }
    if (current === null || reported.has(current)) continue;
    const cycle = path.slice(path.indexOf(current));
    cycle.forEach((name) => reported.add(name));
    issues.push(flowError(`states.${current}`, 'loop_without_wait', `states ${[...cycle, current].join(' → ')} loop without waiting for the user; make one of them wait (${WAITING_TYPES.join(', ')}) or add a condition`));
  }
  return issues;
}

function unreachable({ start, states, sources }: GraphInput): FlowIssue[] {
  if (start === undefined || !states[start]) return [];
  const edges = new Map<string, string[]>();
  for (const t of sources.targets) {
    if (t.from !== null) edges.set(t.from, [...(edges.get(t.from) ?? []), t.to]);
  }
  const globalTargets = sources.targets.filter((t) => t.from === null).map((t) => t.to);
  const seen = new Set<string>([start]);
  const queue = [start];
  let globalsAdded = false;
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const state = states[name];
    const next = [...(edges.get(name) ?? [])];
    // Global transitions leave any waiting state, so they count once one is reachable.
    if (state && stateKind(state.type).waitsForInput && !globalsAdded) {
      globalsAdded = true;
      next.push(...globalTargets);
    }
    for (const target of next) {
      if (seen.has(target)) continue;
      seen.add(target);
      queue.push(target);
    }
  }
  return Object.keys(states)
    .filter((name) => !seen.has(name))
    .map((name) => flowWarning(`states.${name}`, 'unreachable_state', `state '${name}' can never be reached from start '${start}'`));
}
