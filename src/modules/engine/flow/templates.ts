/**
 * Liquid templates over the flow scope. One Liquid instance with no file system (an empty
 * in-memory template map, so `include`/`render` cannot read files), strict filters (a typo in a
 * filter is a validation error) and lenient variables (a missing value renders as nothing).
 */
import { Context, Liquid, Value, toValueSync, type Template } from 'liquidjs';

const liquid = new Liquid({
  templates: {},
  strictFilters: true,
  strictVariables: false,
  ownPropertyOnly: true,
  parseLimit: 100_000,
  renderLimit: 1_000,
  memoryLimit: 10_000_000,
});

export interface RenderOutcome<T> {
  value: T;
  /** Set when rendering failed; the value is then the safe default ('' or null). */
  error?: string;
}

export interface CompiledTemplate {
  readonly source: string;
  render(scope: Record<string, unknown>): RenderOutcome<string>;
}

/** A value template keeps the type of a lone `{{ expr }}` (a number stays a number). */
export interface CompiledValue {
  readonly source: string;
  evaluate(scope: Record<string, unknown>): RenderOutcome<unknown>;
}

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));
const hasMarkup = (text: string): boolean => text.includes('{{') || text.includes('{%');
const LONE_EXPRESSION = /^\s*\{\{-?([^]*?)-?\}\}\s*$/;

/** Throws a Liquid ParseError/TokenizationError for bad syntax or unknown filters. */
export function compileTemplate(source: string): CompiledTemplate {
  if (!hasMarkup(source)) return { source, render: () => ({ value: source }) };
  const parsed: Template[] = liquid.parse(source);
  return {
    source,
    render(scope) {
      try {
        return { value: String(liquid.renderSync(parsed, scope)) };
      } catch (error) {
        return { value: '', error: errorText(error) };
      }
    },
  };
}

export function compileValue(source: string): CompiledValue {
  const lone = LONE_EXPRESSION.exec(source);
  const inner = lone?.[1];
  if (inner === undefined || inner.includes('{{') || inner.includes('}}')) {
    const template = compileTemplate(source);
    return { source, evaluate: (scope) => template.render(scope) };
  }
  compileTemplate(source); // same syntax and filter checks as a template
  const value = new Value(inner.trim(), liquid);
  return {
    source,
    evaluate(scope) {
      try {
        const result: unknown = toValueSync(value.value(new Context(scope, liquid.options), false));
        return { value: result ?? null };
      } catch (error) {
        return { value: null, error: errorText(error) };
      }
    },
  };
}

export function templateErrorText(error: unknown): string {
  return errorText(error);
}
