/**
 * Checks beyond shape and graph: conditions and templates compile, entities and slots agree,
 * intents and integrations exist, action paths are writable, saved names do not hide the scope,
 * regular expressions can run on RE2, and generate instructions do not template in user text.
 */
import type { FlowNlu } from '../../models/contract.js';
import { regexProblem } from '../../../shared/bounded-regex.js';
import { actionParts } from './actions/registry.js';
import { compileCondition, ConditionError } from './conditions.js';
import { didYouMean } from './did-you-mean.js';
import { flowError, flowWarning, type FlowIssue } from './flow-issue.js';
import type { FlowSources } from './flow-sources.js';
import { BUILTIN_ENTITY_TYPES } from './flow-schema.js';
import { SCOPE_ROOTS } from './scope.js';
import type { FlowState, FlowTransition } from './state-schema.js';
import { compileTemplate, compileValue, templateErrorText } from './templates.js';
import { instructionIssues } from './validate-instructions.js';

export interface SemanticInput {
  nlu: FlowNlu | undefined;
  global: FlowTransition[] | undefined;
  states: Record<string, FlowState>;
  sources: FlowSources;
  integrations: readonly string[] | undefined;
}

export function validateSemantics(input: SemanticInput): FlowIssue[] {
  return [...entityIssues(input.nlu), ...slotIssues(input), ...expressionIssues(input), ...referenceIssues(input), ...instructionIssues(input.states)];
}

function entityIssues(nlu: FlowNlu | undefined): FlowIssue[] {
  return Object.entries(nlu?.entities ?? {}).flatMap(([name, def]) => {
    if (def.type !== 'regex') return [];
    const problem = regexProblem(def.pattern, def.flags);
    return problem ? [flowError(`nlu.entities.${name}.pattern`, 'invalid_entity', `entity '${name}': ${problem}`)] : [];
  });
}

function slotIssues({ nlu, states }: SemanticInput): FlowIssue[] {
  const defined = Object.keys(nlu?.entities ?? {});
  const builtin: readonly string[] = BUILTIN_ENTITY_TYPES;
  return Object.entries(states).flatMap(([name, state]) => {
    if (state.type !== 'slot_filling') return [];
    const seen = new Set<string>();
    return state.slots.flatMap((slot, i): FlowIssue[] => {
      const at = `states.${name}.slots[${i}]`;
      const issues: FlowIssue[] = [];
      if (seen.has(slot.name)) issues.push(flowError(`${at}.name`, 'duplicate_slot', `slot '${slot.name}' appears twice in state '${name}'`));
      seen.add(slot.name);
      // Entities of a training-data document are not known here; publishing checks they exist.
      if (slot.entity && !nlu?.trainingData && !defined.includes(slot.entity) && !builtin.includes(slot.entity)) {
        issues.push(flowError(`${at}.entity`, 'unknown_entity', `slot '${slot.name}' uses entity '${slot.entity}', which is not defined in nlu.entities (nor a built-in type: ${builtin.join(', ')})${didYouMean(slot.entity, [...defined, ...builtin])}`));
      }
      if (slot.max_attempts !== undefined && !state.on_exhausted) {
        issues.push(flowWarning(`${at}.max_attempts`, 'no_on_exhausted', `slot '${slot.name}' has max_attempts but state '${name}' has no on_exhausted, so it keeps asking`));
      }
      return issues;
    });
  });
}

function expressionIssues({ sources }: SemanticInput): FlowIssue[] {
  const issues: FlowIssue[] = [];
  for (const c of sources.conditions) {
    try {
      for (const problem of compileCondition(c.condition).regexProblems) {
        issues.push(flowError(problem.subPath ? `${c.path}.${problem.subPath}` : c.path, 'unsupported_regex', problem.message));
      }
    } catch (error) {
      if (!(error instanceof ConditionError)) throw error;
      issues.push(flowError(error.subPath ? `${c.path}.${error.subPath}` : c.path, 'invalid_condition', error.message));
    }
  }
  for (const t of sources.templates) {
    try {
      if (t.mode === 'text') compileTemplate(t.source);
      else compileValue(t.source);
    } catch (error) {
      issues.push(flowError(t.path, 'invalid_template', `invalid template "${t.source}": ${templateErrorText(error)}`));
    }
  }
  for (const a of sources.actions) {
    const { definition, arg } = actionParts(a.action);
    for (const problem of definition.check(arg)) {
      const base = `${a.path}.${definition.kind}`;
      issues.push(flowError(problem.path ? `${base}.${problem.path}` : base, problem.code, problem.message));
    }
  }
  return issues;
}

function referenceIssues({ nlu, global, sources, integrations }: SemanticInput): FlowIssue[] {
  const issues: FlowIssue[] = [];
  global?.forEach((t, i) => {
    if (t.when === undefined) issues.push(flowError(`global[${i}].when`, 'always_matches', `a global transition without 'when' matches every message, so no state could ever handle one`));
  });
  const intents = Object.keys(nlu?.intents ?? {});
  for (const c of sources.conditions) {
    let literals: readonly { path: string; value: string }[] = [];
    try {
      literals = compileCondition(c.condition).comparedLiterals;
    } catch {
      continue; // already reported as invalid_condition
    }
    for (const { path, value } of literals) {
      if (path !== 'intent' || value === 'fallback' || intents.includes(value) || nlu?.trainingData) continue;
      issues.push(flowWarning(c.path, 'unknown_intent', `intent '${value}' is not defined in nlu.intents${didYouMean(value, intents)}`));
    }
  }
  if (integrations) {
    for (const ref of sources.integrations) {
      if (integrations.includes(ref.name)) continue;
      const known = integrations.length ? ` (configured: ${integrations.join(', ')})` : ' (none is configured for this tenant)';
      issues.push(flowError(ref.path, 'unknown_integration', `integration '${ref.name}' is not configured${known}${didYouMean(ref.name, integrations)}`));
    }
  }
  const roots: readonly string[] = SCOPE_ROOTS;
  for (const save of sources.saves) {
    if (roots.includes(save.name)) issues.push(flowError(save.path, 'reserved_name', `save_as '${save.name}' would hide '${save.name}' in conditions and templates; choose another name`));
  }
  return issues;
}
