/**
 * validateFlow: every problem at once, each with the path of its node and a message a bot
 * builder understands. Errors block publishing; warnings (unreachable states, unknown intents)
 * do not.
 */
import { z } from 'zod';
import type { FlowNlu } from '../../models/contract.js';
import { flowError, type FlowIssue } from './flow-issue.js';
import { collectSources } from './flow-sources.js';
import { flowDefinitionSchema, nluSchema, type FlowDefinition } from './flow-schema.js';
import { MAX_STATES } from './parse-flow-source.js';
import { stateSchema, transitionSchema, type FlowState, type FlowTransition } from './state-schema.js';
import { validateCalls } from './validate-calls.js';
import { validateReferences } from './validate-references.js';
import { validateSemantics } from './validate-semantics.js';
import { mapZodIssues } from './zod-issues.js';
import { isObject } from './paths.js';

export type FlowValidation = { ok: true; flow: FlowDefinition; warnings: FlowIssue[] } | { ok: false; issues: FlowIssue[] };

export interface ValidateOptions {
  /** Integration names configured for the tenant; when undefined, integrations are not checked. */
  integrations?: readonly string[];
}

/** A state as is, or without the keys that broke it (so its other parts are still checked). */
function salvageState(raw: unknown): FlowState | null {
  const parsed = stateSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  if (!isObject(raw)) return null;
  const broken = new Set(parsed.error.issues.map((issue) => issue.path[0]).filter((key) => typeof key === 'string'));
  parsed.error.issues.forEach((issue) => {
    if (issue.code === 'unrecognized_keys' && issue.path.length === 0) issue.keys.forEach((key) => broken.add(key));
  });
  const trimmed = Object.fromEntries(Object.entries(raw).filter(([key]) => !broken.has(key)));
  const retry = stateSchema.safeParse(trimmed);
  return retry.success ? retry.data : null;
}

/** The parts of a shape-invalid flow that are valid on their own, so later checks still run. */
function salvage(input: Record<string, unknown>): { states: Record<string, FlowState>; global?: FlowTransition[]; nlu?: FlowNlu; start?: string } {
  const states: Record<string, FlowState> = {};
  const rawStates = isObject(input.states) ? input.states : {};
  for (const [name, raw] of Object.entries(rawStates)) {
    const state = salvageState(raw);
    if (state) states[name] = state;
  }
  const global = z.array(transitionSchema).safeParse(input.global ?? []);
  const nlu = nluSchema.safeParse(input.nlu ?? {});
  return {
    states,
    ...(global.success ? { global: global.data } : {}),
    ...(nlu.success ? { nlu: nlu.data } : {}),
    ...(typeof input.start === 'string' ? { start: input.start } : {}),
  };
}

export function validateFlow(input: unknown, options: ValidateOptions = {}): FlowValidation {
  if (!isObject(input)) {
    return { ok: false, issues: [flowError('', 'invalid_type', 'a flow must be an object with name, start and states')] };
  }
  const stateCount = isObject(input.states) ? Object.keys(input.states).length : 0;
  if (stateCount > MAX_STATES) {
    return { ok: false, issues: [flowError('states', 'flow_too_large', `the flow has ${stateCount} states; the limit is ${MAX_STATES} — split it into smaller flows`)] };
  }
  const parsed = flowDefinitionSchema.safeParse(input);
  const shapeIssues = parsed.success ? [] : mapZodIssues(parsed.error.issues);
  const flow = parsed.success ? parsed.data : { name: '', ...salvage(input) };
  const sources = collectSources({ ...flow, start: flow.start ?? '' });
  const names = new Set(isObject(input.states) ? Object.keys(input.states) : []);
  const issues = [
    ...shapeIssues,
    ...validateReferences({ start: flow.start, states: flow.states, names, sources }),
    ...validateSemantics({ nlu: flow.nlu, global: flow.global, states: flow.states, sources, integrations: options.integrations }),
    ...validateCalls(flow, sources),
  ];
  const errors = issues.filter((i) => i.severity === 'error');
  if (!parsed.success || errors.length > 0) return { ok: false, issues };
  return { ok: true, flow: parsed.data, warnings: issues };
}
