import { Liquid } from 'liquidjs';
import { cpuMs } from '../../../../shared/cpu-time.js';
import { CallError } from '../../call-error.js';

/**
 * Request templates over `{input, config, secrets}` in the Liquid syntax flows already use
 * (liquidjs: sandboxed, no code execution, own properties only). A string that is one whole
 * `{{ expression }}` keeps the expression's type, so `"{{ input.quantity }}"` stays a number.
 * Templates are the tenant's own code on the server's one thread, so they run under DoS limits:
 * template size, memory, and one time budget for all the renders of a request or a response
 * (they share its scope object), so that many strings in a body cannot add up to a stall.
 */
const SCOPE_RENDER_MS = 100;
// memoryLimit counts range elements too, and a range is built before its loop's first check of time.
const options = { strictFilters: true, ownPropertyOnly: true, parseLimit: 100_000, memoryLimit: 200_000 } as const;
const liquid = new Liquid(options);
/** Path segments: every output is URL-encoded, so `input.id = "1/../admin"` cannot change the path. */
const pathLiquid = new Liquid({ ...options, outputEscape: (value: unknown) => encodeURIComponent(String(value ?? '')) });

const WHOLE = /^\s*\{\{-?([^{}]+?)-?\}\}\s*$/;

export type TemplateScope = Record<string, unknown>;

const deadlines = new WeakMap<TemplateScope, number>();

/** Milliseconds the renders of `scope` have left; throws once they are used up. */
function renderLimit(scope: TemplateScope): number {
  let deadline = deadlines.get(scope);
  if (deadline === undefined) deadlines.set(scope, (deadline = cpuMs() + SCOPE_RENDER_MS));
  const left = deadline - cpuMs();
  if (left <= 0) throw new Error(`its templates took more than ${SCOPE_RENDER_MS} ms to render in all (template render limit exceeded)`);
  return left;
}

function failed(where: string, error: unknown, scope: TemplateScope): CallError {
  const message = error instanceof Error ? error.message : String(error);
  // liquidjs stopped a render at its own clock: what is left of the CPU budget may be a hair above zero.
  if (message.includes('render limit exceeded')) deadlines.set(scope, -Infinity);
  return new CallError('misconfigured', `The template of ${where} is invalid: ${message}.`);
}

export function renderText(template: string, scope: TemplateScope, where: string): string {
  try {
    return String(liquid.parseAndRenderSync(template, scope, { renderLimit: renderLimit(scope) }));
  } catch (error) {
    throw failed(where, error, scope);
  }
}

export function renderPath(template: string, scope: TemplateScope): string {
  try {
    return String(pathLiquid.parseAndRenderSync(template, scope, { renderLimit: renderLimit(scope) }));
  } catch (error) {
    throw failed('the path', error, scope);
  }
}

/** Evaluates one expression (`body.results[0].id`, `input.x | default: 3`) to a value. */
export function evaluate(expression: string, scope: TemplateScope, where: string): unknown {
  try {
    renderLimit(scope);
    return liquid.evalValueSync(expression, scope) as unknown;
  } catch (error) {
    throw failed(where, error, scope);
  }
}

/** Renders every string inside a JSON value (a body template). */
export function renderValue(value: unknown, scope: TemplateScope, where: string): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    return whole ? (evaluate(whole[1]!, scope, where) ?? null) : renderText(value, scope, where);
  }
  if (Array.isArray(value)) return value.map((item, i) => renderValue(item, scope, `${where}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderValue(item, scope, `${where}.${key}`)]));
  }
  return value;
}
