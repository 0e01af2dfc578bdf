/**
 * Runs a conversation test suite through `runTurnCore`, the very turn production runs, with no
 * storage: each test is a fresh conversation whose context lives in memory between its turns.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../../../shared/app-error.js';
import type { Clock } from '../../../shared/clock.js';
import { type CompiledFlow, type ConversationSnapshot, type FlowIssue, compileFlow, parseFlowSource, validateFlow } from '../flow/index.js';
import { type TurnCoreDeps, type TurnOutcome, runTurnCore } from '../run-turn.js';
import type { SubflowSource } from '../subflows.js';
import { checkTurn, type TurnActual } from './expectations.js';
import type { SuiteResult, TestFailure, TestResult } from './results.js';
import type { ConversationSuite, ConversationTest, TestTurn } from './suite-schema.js';

/** The flow as source (YAML/JSON text or object, validated here) or already compiled (a published version). */
export type SuiteFlow = { source: string | object } | { compiled: CompiledFlow; modelKey: string };

export interface RunSuiteInput {
  flow: SuiteFlow;
  /** Flows that `flow` states may call (by name), for suites run from files; without them, `deps.subflows` finds them. */
  subflows?: { source: string | object }[];
  suite: ConversationSuite;
  deps: TurnCoreDeps;
  tenantId?: string;
  /** Called as each test finishes, for progress output. */
  onTest?: (result: TestResult) => void;
}

const LOCAL_TENANT = 'local';

const fixedClock = (iso: string): Clock => {
  const at = Date.parse(iso);
  return { now: () => at, isoNow: () => new Date(at).toISOString() };
};

const describeInput = (turn: TestTurn): string => (turn.say !== undefined ? turn.say : `payload: ${turn.payload ?? ''}`);

/** The intent the flow saw (a payload naming an intent counts), else the NLU's. */
function intentOf(outcome: TurnOutcome): string | null {
  const seen = outcome.trace.find((event) => event.type === 'intent');
  if (seen?.type === 'intent') return seen.name;
  return outcome.nlu?.intent.name ?? null;
}

function toActual(outcome: TurnOutcome): TurnActual {
  const { context, status } = outcome.result;
  return {
    replies: outcome.replies,
    state: context.state,
    intent: intentOf(outcome),
    slots: context.slots,
    vars: context.vars,
    ended: status === 'ended',
    handoff: status === 'handoff',
  };
}

async function runTest(input: RunSuiteInput, flow: CompiledFlow, modelKey: string, test: ConversationTest): Promise<TestResult> {
  const now = test.now ?? input.suite.now;
  const deps = now ? { ...input.deps, clock: fixedClock(now) } : input.deps;
  let snapshot: ConversationSnapshot | null = null;
  for (const [index, turn] of test.turns.entries()) {
    const failure = (fields: Omit<TestFailure, 'turn' | 'input'>): TestFailure => ({ turn: index + 1, input: describeInput(turn), ...fields });
    let outcome: TurnOutcome;
    try {
      outcome = await runTurnCore(deps, {
        tenantId: input.tenantId ?? LOCAL_TENANT,
        flow,
        modelKey,
        snapshot,
        message: {
          ...(turn.say !== undefined ? { text: turn.say } : {}),
          ...(turn.payload !== undefined ? { payload: turn.payload } : {}),
          channel: test.channel ?? 'api',
          ...(test.user ? { user: test.user } : {}),
        },
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { name: test.name, ok: false, turns: index + 1, failures: [failure({ field: 'error', expected: 'the turn to run', actual: message, message })] };
    }
    snapshot = outcome.snapshot;
    const failures = turn.expect ? checkTurn(turn.expect, toActual(outcome)).map(failure) : [];
    if (failures.length > 0) return { name: test.name, ok: false, turns: index + 1, failures };
  }
  return { name: test.name, ok: true, turns: test.turns.length, failures: [] };
}

/** Model keys name one trained NLU model; a draft has no version, so its key is its NLU's content. */
const contentKey = (flow: CompiledFlow): string =>
  `test:${createHash('sha256').update(JSON.stringify(flow.nlu)).digest('hex').slice(0, 24)}`;

function prepare(flow: SuiteFlow): { ok: true; compiled: CompiledFlow; modelKey: string; warnings: FlowIssue[] } | { ok: false; name: string | null; issues: FlowIssue[] } {
  if ('compiled' in flow) return { ok: true, compiled: flow.compiled, modelKey: flow.modelKey, warnings: [] };
  const parsed = parseFlowSource(flow.source);
  if (!parsed.ok) return { ok: false, name: null, issues: parsed.issues };
  const validated = validateFlow(parsed.value);
  if (!validated.ok) {
    const raw = parsed.value as { name?: unknown } | null;
    return { ok: false, name: typeof raw?.name === 'string' ? raw.name : null, issues: validated.issues };
  }
  const compiled = compileFlow(validated.flow);
  return { ok: true, compiled, modelKey: contentKey(compiled), warnings: validated.warnings };
}

/** Every test fails at turn 0 when the flow (or a flow it calls) has errors. */
function failAll(input: RunSuiteInput, name: string | null, issues: FlowIssue[]): SuiteResult {
  const errors = issues.filter((issue) => issue.severity === 'error');
  const first = errors[0];
  const message = `the flow has ${errors.length} error${errors.length === 1 ? '' : 's'}${first ? `; first: ${first.path ? `${first.path}: ` : ''}${first.message}` : ''}`;
  const results = input.suite.tests.map((test): TestResult => ({ name: test.name, ok: false, turns: 0, failures: [{ turn: 0, input: null, field: 'flow', expected: 'a valid flow', actual: message, message }] }));
  results.forEach((result) => input.onTest?.(result));
  return { ok: false, flow: name, passed: 0, failed: results.length, flowIssues: issues, results };
}

/** Called flows from files, found by name (each is version 1 of itself). */
function localSubflows(sources: { source: string | object }[]): { ok: true; source: SubflowSource } | { ok: false; issues: FlowIssue[] } {
  const byName = new Map<string, CompiledFlow>();
  for (const [index, { source }] of sources.entries()) {
    const prepared = prepare({ source });
    if (!prepared.ok) return { ok: false, issues: prepared.issues.map((issue) => ({ ...issue, path: `flows[${index}]${issue.path ? `.${issue.path}` : ''}` })) };
    byName.set(prepared.compiled.definition.name, prepared.compiled);
  }
  const get = (name: string): CompiledFlow => {
    const flow = byName.get(name);
    if (!flow) throw new AppError('flow_not_found', `No flow named '${name}' among the suite's flows; add its file to \`flows\`.`);
    return flow;
  };
  return {
    ok: true,
    source: {
      find: async (_tenantId, name) => ({ flowId: `local:${name}`, version: 1, compiled: get(name) }),
      get: async (_tenantId, flowId) => get(flowId.replace(/^local:/, '')),
    },
  };
}

export async function runConversationSuite(input: RunSuiteInput): Promise<SuiteResult> {
  const prepared = prepare(input.flow);
  const results: TestResult[] = [];
  if (!prepared.ok) return failAll(input, prepared.name, prepared.issues);
  const local = input.subflows ? localSubflows(input.subflows) : null;
  if (local && !local.ok) return failAll(input, prepared.compiled.definition.name, local.issues);
  const run = local ? { ...input, deps: { ...input.deps, subflows: local.source } } : input;
  for (const test of input.suite.tests) {
    const result = await runTest(run, prepared.compiled, prepared.modelKey, test);
    results.push(result);
    input.onTest?.(result);
  }
  const passed = results.filter((r) => r.ok).length;
  return { ok: passed === results.length, flow: prepared.compiled.definition.name, passed, failed: results.length - passed, flowIssues: prepared.warnings, results };
}
