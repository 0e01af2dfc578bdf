/**
 * The shape of a flow action kind. A kind is data (its key and zod schema, which feed the flow
 * schema and validation) plus `run`, which works through a narrow runtime and never sees the
 * rest of the engine.
 */
import type { z } from 'zod';
import type { FlowContext } from '../context.js';
import type { PendingEffect, SideEffect } from '../step-types.js';
import type { TraceEventBody } from '../trace.js';

export interface ActionRuntime {
  readonly state: string | null;
  readonly context: FlowContext;
  /** Renders a value: strings as templates (a lone `{{ expr }}` keeps its type), objects deeply. */
  value(source: unknown): unknown;
  /** Renders a template to text. */
  text(source: string): string;
  read(path: string): unknown;
  /** Writes under vars/slots/user and records a var_set/slot_set trace event. */
  write(path: string, value: unknown): void;
  remove(path: string): void;
  trace(body: TraceEventBody): void;
  /** Reports a problem (traced, and counted in the turn's summary). */
  error(code: string, message: string): void;
  sideEffect(effect: SideEffect): void;
  nextEffectId(): string;
}

/** An action that needs the outside world stops its list until the effect's result arrives. */
export interface ActionEffect {
  effect: PendingEffect;
  saveAs: string | null;
}

/** Something in an action to compile or check, at a path relative to the action. */
export interface ActionSource {
  path: string;
  source: string;
  mode: 'text' | 'value';
}

export interface ActionProblem {
  path: string;
  code: string;
  message: string;
}

export interface ActionDefinition<K extends string, S extends z.ZodType> {
  kind: K;
  schema: S;
  run(arg: z.infer<S>, rt: ActionRuntime): ActionEffect | void;
  templates?(arg: z.infer<S>): ActionSource[];
  check?(arg: z.infer<S>): ActionProblem[];
  references?(arg: z.infer<S>): { integrations?: string[]; saves?: string[] };
}

/** A definition with its argument type erased, so kinds can share one registry array. */
export interface AnyActionDefinition {
  kind: string;
  schema: z.ZodType;
  execute(arg: unknown, rt: ActionRuntime): ActionEffect | void;
  templates(arg: unknown): ActionSource[];
  check(arg: unknown): ActionProblem[];
  references(arg: unknown): { integrations?: string[]; saves?: string[] };
}

export function defineAction<K extends string, S extends z.ZodType>(definition: ActionDefinition<K, S>): AnyActionDefinition {
  // The flow was validated against `schema` before any action runs, so the argument has its type.
  const typed = (arg: unknown): z.infer<S> => arg as z.infer<S>;
  return {
    kind: definition.kind,
    schema: definition.schema,
    execute: (arg, rt) => definition.run(typed(arg), rt),
    templates: (arg) => definition.templates?.(typed(arg)) ?? [],
    check: (arg) => definition.check?.(typed(arg)) ?? [],
    references: (arg) => definition.references?.(typed(arg)) ?? {},
  };
}

/** Every string inside a JSON value, as value templates, with paths relative to `base`. */
export function valueSources(value: unknown, base: string): ActionSource[] {
  if (typeof value === 'string') return [{ path: base, source: value, mode: 'value' }];
  if (Array.isArray(value)) return value.flatMap((item, i) => valueSources(item, `${base}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => valueSources(item, base ? `${base}.${key}` : key));
  }
  return [];
}

export function writablePathProblem(path: string, at: string): ActionProblem[] {
  const [root, ...rest] = path.split('.');
  if ((root === 'vars' || root === 'slots' || root === 'user') && rest.length > 0 && rest.every((p) => p.length > 0)) return [];
  return [{ path: at, code: 'invalid_path', message: `'${path}' cannot be written: use a path under vars., slots. or user. (e.g. vars.${root || 'name'})` }];
}
