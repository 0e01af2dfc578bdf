/**
 * Compiles a validated flow once: every condition and template is parsed up front (CEL and Liquid
 * parsing is the expensive part), so a turn only evaluates.
 */
import type { EntityDefinition, FlowNlu } from '../../models/contract.js';
import type { Condition } from './condition-schema.js';
import { compileCondition, type CompiledCondition } from './conditions.js';
import { collectSources } from './flow-sources.js';
import { BUILTIN_ENTITY_TYPES, type FlowDefinition } from './flow-schema.js';
import { compileTemplate, compileValue, type CompiledTemplate, type CompiledValue } from './templates.js';

export interface CompiledFlow {
  readonly definition: FlowDefinition;
  /**
   * The NLU section to train/parse with: `definition.nlu` plus an entity for every slot that names a
   * built-in type (`entity: email`) without defining it. Pass this to the models module.
   */
  readonly nlu: FlowNlu;
  /** Names saved by integrations (`save_as`), readable at the top of the scope. */
  readonly savedNames: readonly string[];
  condition(condition: Condition): CompiledCondition;
  template(source: string): CompiledTemplate;
  value(source: string): CompiledValue;
}

const isBuiltin = (name: string): name is (typeof BUILTIN_ENTITY_TYPES)[number] =>
  (BUILTIN_ENTITY_TYPES as readonly string[]).includes(name);

function effectiveNlu(flow: FlowDefinition): FlowNlu {
  const entities: Record<string, EntityDefinition> = { ...flow.nlu?.entities };
  for (const state of Object.values(flow.states)) {
    if (state.type !== 'slot_filling') continue;
    for (const slot of state.slots) {
      if (slot.entity && !entities[slot.entity] && isBuiltin(slot.entity)) entities[slot.entity] = { type: slot.entity };
    }
  }
  return { ...flow.nlu, entities };
}

/** Throws on a bad condition or template; run validateFlow first for readable errors. */
export function compileFlow(flow: FlowDefinition): CompiledFlow {
  const sources = collectSources(flow);
  // Strings key by value; structured conditions by identity, as they are nodes of `definition`.
  const conditions = new Map<Condition, CompiledCondition>();
  const templates = new Map<string, CompiledTemplate>();
  const values = new Map<string, CompiledValue>();
  const condition = (c: Condition): CompiledCondition => {
    let compiled = conditions.get(c);
    if (!compiled) conditions.set(c, (compiled = compileCondition(c)));
    return compiled;
  };
  const template = (source: string): CompiledTemplate => {
    let compiled = templates.get(source);
    if (!compiled) templates.set(source, (compiled = compileTemplate(source)));
    return compiled;
  };
  const value = (source: string): CompiledValue => {
    let compiled = values.get(source);
    if (!compiled) values.set(source, (compiled = compileValue(source)));
    return compiled;
  };
  sources.conditions.forEach((c) => condition(c.condition));
  sources.templates.forEach((t) => (t.mode === 'text' ? template(t.source) : value(t.source)));
  return {
    definition: flow,
    nlu: effectiveNlu(flow),
    savedNames: [...new Set(sources.saves.map((s) => s.name))],
    condition,
    template,
    value,
  };
}
