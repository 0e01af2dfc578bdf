/**
 * Walks a flow and lists everything that compilation and validation look at — conditions,
 * templates, targets, integrations, saved names — each with its path in the flow
 * (`states.ask.transitions[0].to`), so error messages can point at the node.
 */
import { actionParts, type FlowAction } from './actions/registry.js';
import type { Condition } from './condition-schema.js';
import type { FlowDefinition } from './flow-schema.js';
import { richTemplates } from './reply-content.js';
import { getPath } from './paths.js';
import { stateKind } from './state-kinds.js';
import type { FlowState, FlowTransition } from './state-schema.js';

export interface FlowSources {
  conditions: { path: string; condition: Condition; state: string | null }[];
  templates: { path: string; source: string; mode: 'text' | 'value' }[];
  targets: { path: string; from: string | null; to: string }[];
  integrations: { path: string; name: string }[];
  saves: { path: string; name: string }[];
  actions: { path: string; action: FlowAction }[];
  /** Other flows that `flow` states call. */
  calls: { path: string; flow: string; version: number | null }[];
}

const says = (say: string | string[] | undefined, path: string): FlowSources['templates'] =>
  say === undefined ? [] : typeof say === 'string' ? [{ path, source: say, mode: 'text' }] : say.map((source, i) => ({ path: `${path}[${i}]`, source, mode: 'text' }));

function valueTemplates(value: unknown, path: string): FlowSources['templates'] {
  if (typeof value === 'string') return [{ path, source: value, mode: 'value' }];
  if (Array.isArray(value)) return value.flatMap((item, i) => valueTemplates(item, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([k, v]) => valueTemplates(v, `${path}.${k}`));
  return [];
}

export function collectSources(flow: FlowDefinition): FlowSources {
  const out: FlowSources = { conditions: [], templates: [], targets: [], integrations: [], saves: [], actions: [], calls: [] };

  const addActions = (list: FlowAction[] | undefined, path: string): void => {
    list?.forEach((action, i) => {
      const at = `${path}[${i}]`;
      out.actions.push({ path: at, action });
      const { definition, arg } = actionParts(action);
      const base = `${at}.${definition.kind}`;
      definition.templates(arg).forEach((t) => out.templates.push({ ...t, path: t.path ? `${base}.${t.path}` : base }));
      const refs = definition.references(arg);
      refs.integrations?.forEach((name) => out.integrations.push({ path: `${base}.integration`, name }));
      refs.saves?.forEach((name) => out.saves.push({ path: `${base}.save_as`, name }));
    });
  };
  const addTransitions = (list: FlowTransition[] | undefined, path: string, from: string | null): void => {
    list?.forEach((t, i) => {
      const at = `${path}[${i}]`;
      if (t.when !== undefined) out.conditions.push({ path: `${at}.when`, condition: t.when, state: from });
      out.targets.push({ path: `${at}.to`, from, to: t.to });
      addActions(t.actions, `${at}.actions`);
    });
  };
  const addButtons = (list: { title: string }[] | undefined, path: string): void => {
    list?.forEach((b, i) => out.templates.push({ path: `${path}[${i}].title`, source: b.title, mode: 'text' }));
  };

  addTransitions(flow.global, 'global', null);
  if (flow.repair?.cancel) out.targets.push({ path: 'repair.cancel.to', from: null, to: flow.repair.cancel.to });
  for (const [name, state] of Object.entries(flow.states)) {
    const at = `states.${name}`;
    addActions(state.on_entry, `${at}.on_entry`);
    addActions(state.on_exit, `${at}.on_exit`);
    addTransitions(state.transitions, `${at}.transitions`, name);
    if (state.next !== undefined) out.targets.push({ path: `${at}.next`, from: name, to: state.next });
    for (const field of stateKind(state.type).targetFields) {
      const to = getPath(state, field);
      if (typeof to === 'string') out.targets.push({ path: `${at}.${field}`, from: name, to });
    }
    addStateKind(out, name, state, { says, addButtons });
  }
  return out;

  function addStateKind(sources: FlowSources, name: string, state: FlowState, h: { says: typeof says; addButtons: typeof addButtons }): void {
    const at = `states.${name}`;
    if ('say' in state) sources.templates.push(...h.says(state.say, `${at}.say`));
    if ('buttons' in state) h.addButtons(state.buttons, `${at}.buttons`);
    if ('quick_replies' in state) h.addButtons(state.quick_replies, `${at}.quick_replies`);
    if ('media' in state || 'cards' in state || 'list' in state || 'template' in state || 'modal' in state) sources.templates.push(...richTemplates(state as Parameters<typeof richTemplates>[0], at));
    switch (state.type) {
      case 'response':
        if (state.generate) {
          sources.templates.push({ path: `${at}.generate.instructions`, source: state.generate.instructions, mode: 'text' });
          sources.templates.push({ path: `${at}.generate.fallback`, source: state.generate.fallback, mode: 'text' });
        }
        return;
      case 'intent':
        sources.templates.push(...h.says(state.fallback?.say, `${at}.fallback.say`));
        return;
      case 'slot_filling':
        state.slots.forEach((slot, i) => {
          const s = `${at}.slots[${i}]`;
          sources.templates.push(...h.says(slot.prompt, `${s}.prompt`), ...h.says(slot.retry, `${s}.retry`));
          if (slot.validate !== undefined) sources.conditions.push({ path: `${s}.validate`, condition: slot.validate, state: name });
          h.addButtons(slot.buttons, `${s}.buttons`);
          h.addButtons(slot.quick_replies, `${s}.quick_replies`);
        });
        if (state.confirm) {
          sources.templates.push(...h.says(state.confirm.say, `${at}.confirm.say`), ...h.says(state.confirm.change_prompt, `${at}.confirm.change_prompt`));
          h.addButtons(state.confirm.buttons, `${at}.confirm.buttons`);
        }
        return;
      case 'integration':
        sources.templates.push(...valueTemplates(state.with ?? {}, `${at}.with`));
        sources.integrations.push({ path: `${at}.integration`, name: state.integration });
        if (state.save_as) sources.saves.push({ path: `${at}.save_as`, name: state.save_as });
        return;
      case 'handoff':
        sources.templates.push(...h.says(state.waiting?.say, `${at}.waiting.say`));
        return;
      case 'flow':
        sources.templates.push(...valueTemplates(state.input ?? {}, `${at}.input`), ...valueTemplates(state.output ?? {}, `${at}.output`));
        sources.calls.push({ path: `${at}.flow`, flow: state.flow, version: state.version ?? null });
        return;
      case 'answer':
        sources.templates.push(...h.says(state.question, `${at}.question`), ...h.says(state.instructions, `${at}.instructions`), ...h.says(state.no_answer, `${at}.no_answer`));
        if (state.save_as) sources.saves.push({ path: `${at}.save_as`, name: state.save_as });
        return;
      case 'agent':
        sources.templates.push(...h.says(state.goal, `${at}.goal`), ...h.says(state.instructions, `${at}.instructions`), ...h.says(state.fallback, `${at}.fallback`));
        (state.tools ?? []).forEach((tool, i) => {
          if ('integration' in tool) sources.integrations.push({ path: `${at}.tools[${i}].integration`, name: tool.integration });
        });
        return;
      case 'end':
        return;
      default: {
        const unreachable: never = state;
        throw new Error(`unknown state ${JSON.stringify(unreachable)}`);
      }
    }
  }
}
