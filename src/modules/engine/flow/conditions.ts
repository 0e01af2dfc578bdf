/**
 * Compiles a condition (CEL string or structured) once into a test over the scope. A test never
 * throws: a run-time problem gives false plus an error text for the trace.
 */
import { compileLinearRegex, type LinearRegex } from '../../../shared/bounded-regex.js';
import { EvaluationBudget, OVER_BUDGET } from './budget.js';
import { CelCompileError, compileCel } from './cel-condition.js';
import type { Condition } from './condition-schema.js';
import { applyOperator, checkOperatorValue } from './condition-operators.js';
import { getPath } from './paths.js';

export interface ConditionOutcome {
  value: boolean;
  error?: string;
}

export interface CompiledCondition {
  /** Without a budget, the test gets a turn's worth of its own. */
  test(scope: Record<string, unknown>, budget?: EvaluationBudget): ConditionOutcome;
  /** `{path, value}` pairs compared for equality, e.g. `intent == "x"`, for validation. */
  readonly comparedLiterals: readonly { path: string; value: string }[];
  /**
   * Regular expressions RE2 cannot run (backreferences, lookaheads), for validation. They do not
   * stop compilation, so that a flow published before RE2 still loads; such a test fails at run time.
   */
  readonly regexProblems: readonly { subPath: string; message: string }[];
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
      return {
        test: (scope, budget) => cel.evaluate(scope, budget),
        comparedLiterals: cel.comparedLiterals,
        regexProblems: cel.regexProblems.map((message) => ({ subPath, message })),
      };
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
      regexProblems: parts.flatMap((p) => p.regexProblems),
      test(scope, budget = new EvaluationBudget()) {
        for (const part of parts) {
          const outcome = part.test(scope, budget);
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
      regexProblems: inner.regexProblems,
      test(scope, budget) {
        const outcome = inner.test(scope, budget);
        return outcome.error ? { value: false, error: outcome.error } : { value: !outcome.value };
      },
    };
  }
  const { field, op, value } = condition;
  const problem = checkOperatorValue(op, value);
  if (problem) throw new ConditionError(join(subPath, 'value'), problem);
  const literals = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
  const comparedLiterals = op === 'eq' || op === 'ne' || op === 'in' || op === 'not_in' ? literals.map((v) => ({ path: field, value: v })) : [];
  if (op === 'matches' && typeof value === 'string') return compileMatches(field, value, join(subPath, 'value'));
  return { comparedLiterals, regexProblems: [], test: (scope) => ({ value: applyOperator(op, getPath(scope, field), value) }) };
}

function compileMatches(field: string, pattern: string, valuePath: string): CompiledCondition {
  const compiled = compileLinearRegex(pattern);
  if (!compiled.ok) {
    const message = compiled.problem;
    return { comparedLiterals: [], regexProblems: [{ subPath: valuePath, message }], test: () => ({ value: false, error: message }) };
  }
  const regex: LinearRegex = compiled.regex;
  return {
    comparedLiterals: [],
    regexProblems: [],
    test(scope, budget = new EvaluationBudget()) {
      const input = getPath(scope, field);
      if (!budget.spendRegex(typeof input === 'string' ? input.length : 1)) return { value: false, error: `${OVER_BUDGET}: ${budget.exceeded ?? ''}` };
      return { value: applyOperator('matches', input, pattern, regex) };
    },
  };
}
