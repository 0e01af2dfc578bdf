/**
 * Compiles a condition (CEL string or structured) once into a test over the scope. A test never
 * throws: a run-time problem gives false plus an error text for the trace.
 */
import { CelCompileError, compileCel } from './cel-condition.js';
import type { Condition } from './condition-schema.js';
import { applyOperator, checkOperatorValue } from './condition-operators.js';
import { getPath } from './paths.js';

export interface ConditionOutcome {
  value: boolean;
  error?: string;
}

export interface CompiledCondition {
  test(scope: Record<string, unknown>): ConditionOutcome;
  /** `{path, value}` pairs compared for equality, e.g. `intent == "x"`, for validation. */
  readonly comparedLiterals: readonly { path: string; value: string }[];
}

/** A problem found at compile time, with the path inside the condition (e.g. `all[1].value`). */
export class ConditionError extends Error {
  constructor(readonly subPath: string, message: string) {
    super(message);
  }
}

const join = (base: string, segment: string): string => (base ? `${base}.${segment}` : segment);

export function conditionLabel(condition: Condition): string {
  return typeof condition === 'string' ? condition : JSON.stringify(condition);
}

export function compileCondition(condition: Condition, subPath = ''): CompiledCondition {
  if (typeof condition === 'string') {
    try {
      const cel = compileCel(condition);
      return { test: (scope) => cel.evaluate(scope), comparedLiterals: cel.comparedLiterals };
    } catch (error) {
      const message = error instanceof CelCompileError ? error.message : String(error);
      throw new ConditionError(subPath, `invalid CEL expression "${condition}": ${message}`);
    }
  }
  if ('all' in condition || 'any' in condition) {
    const isAll = 'all' in condition;
    const list = 'all' in condition ? condition.all : condition.any;
    const parts = list.map((c, i) => compileCondition(c, join(subPath, `${isAll ? 'all' : 'any'}[${i}]`)));
    return {
      comparedLiterals: parts.flatMap((p) => p.comparedLiterals),
      test(scope) {
        for (const part of parts) {
          const outcome = part.test(scope);
          if (outcome.error || outcome.value !== isAll) return outcome.error ? { value: false, error: outcome.error } : outcome;
        }
        return { value: isAll };
      },
    };
  }
  if ('not' in condition) {
    const inner = compileCondition(condition.not, join(subPath, 'not'));
    return {
      comparedLiterals: [],
      test(scope) {
        const outcome = inner.test(scope);
        return outcome.error ? { value: false, error: outcome.error } : { value: !outcome.value };
      },
    };
  }
  const { field, op, value } = condition;
  const problem = checkOperatorValue(op, value);
  if (problem) throw new ConditionError(join(subPath, 'value'), problem);
  const regex = op === 'matches' && typeof value === 'string' ? new RegExp(value) : undefined;
  const literals = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
  return {
    comparedLiterals: op === 'eq' || op === 'ne' || op === 'in' || op === 'not_in' ? literals.map((v) => ({ path: field, value: v })) : [],
    test: (scope) => ({ value: applyOperator(op, getPath(scope, field), value, regex) }),
  };
}
