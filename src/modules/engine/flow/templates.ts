/**
 * Liquid templates over the flow scope. One Liquid instance with no file system (an empty
 * in-memory template map, so `include`/`render` cannot read files), strict filters (a typo in a
 * filter is a validation error) and lenient variables (a missing value renders as nothing).
 * Rendering time and memory count against the turn's budget: each render may use what is left.
 */
import { Context, Liquid, Value, toValueSync, type Template } from 'liquidjs';
import { EvaluationBudget, OVER_BUDGET } from './budget.js';
import { cpuMs } from '../../../shared/cpu-time.js';

const liquid = new Liquid({
  templates: {},
  strictFilters: true,
  strictVariables: false,
  ownPropertyOnly: true,
  parseLimit: 100_000,
});

export interface RenderOutcome<T> {
  value: T;
  /** Set when rendering failed; the value is then the safe default ('' or null). */
  error?: string;
}

export interface CompiledTemplate {
  readonly source: string;
  /** Without a budget, the render gets a turn's worth of its own. */
  render(scope: Record<string, unknown>, budget?: EvaluationBudget): RenderOutcome<string>;
}

/** A value template keeps the type of a lone `{{ expr }}` (a number stays a number). */
export interface CompiledValue {
  readonly source: string;
  evaluate(scope: Record<string, unknown>, budget?: EvaluationBudget): RenderOutcome<unknown>;
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

type Limiter = NonNullable<NonNullable<ConstructorParameters<typeof Context>[3]>['memoryLimit']>;

/**
 * A render context whose limiters are views of the turn's budget: liquidjs' own limits are per
 * render, and a turn renders many templates. liquidjs calls `use`/`check` and nothing else on them.
 */
function contextFor(scope: Record<string, unknown>, budget: EvaluationBudget): Context {
  const deadline = cpuMs() + budget.liquidLeftMs();
  const memoryLimit = {
    use(units: number) {
      if (units > 0 && !budget.spendLiquidMemory(units)) throw new Error('memory alloc limit exceeded');
    },
    check() {},
  };
  const renderLimit = {
    use() {},
    check() {
      if (cpuMs() > deadline) throw new Error('template render limit exceeded');
    },
  };
  return new Context(scope, liquid.options, { sync: true }, { liquid, memoryLimit: memoryLimit as unknown as Limiter, renderLimit: renderLimit as unknown as Limiter });
}

/** Runs `render` in a context bounded by the turn's budget, and charges the time it took. */
function withinBudget<T>(budget: EvaluationBudget, empty: T, scope: Record<string, unknown>, render: (ctx: Context) => T): RenderOutcome<T> {
  if (budget.liquidLeftMs() <= 0) return { value: empty, error: `${OVER_BUDGET}: ${budget.exceeded ?? ''}` };
  const started = cpuMs();
  try {
    return { value: render(contextFor(scope, budget)) };
  } catch (error) {
    return { value: empty, error: errorText(error) };
  } finally {
    budget.spendLiquid(cpuMs() - started);
  }
}

const hasMarkup = (text: string): boolean => text.includes('{{') || text.includes('{%');
const LONE_EXPRESSION = /^\s*\{\{-?([^]*?)-?\}\}\s*$/;

/** Throws a Liquid ParseError/TokenizationError for bad syntax or unknown filters. */
export function compileTemplate(source: string): CompiledTemplate {
  if (!hasMarkup(source)) return { source, render: () => ({ value: source }) };
  const parsed: Template[] = liquid.parse(source);
  return {
    source,
    render: (scope, budget = new EvaluationBudget()) =>
      withinBudget(budget, '', scope, (ctx) => String(liquid.renderSync(parsed, ctx))),
  };
}

export function compileValue(source: string): CompiledValue {
  const lone = LONE_EXPRESSION.exec(source);
  const inner = lone?.[1];
  if (inner === undefined || inner.includes('{{') || inner.includes('}}')) {
    const template = compileTemplate(source);
    return { source, evaluate: (scope, budget) => template.render(scope, budget) };
  }
  compileTemplate(source); // same syntax and filter checks as a template
  const value = new Value(inner.trim(), liquid);
  return {
    source,
    evaluate: (scope, budget = new EvaluationBudget()) =>
      withinBudget<unknown>(budget, null, scope, (ctx) => toValueSync(value.value(ctx, false)) ?? null),
  };
}

export function templateErrorText(error: unknown): string {
  return errorText(error);
}
