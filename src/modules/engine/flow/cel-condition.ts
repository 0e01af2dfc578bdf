/**
 * CEL conditions (`intent == "track_order" && vars.goal != "cancel"`), compiled once. Values
 * from the scope are converted for CEL (whole numbers become CEL ints, so `turn % 2 == 0` and
 * `vars.count + 1 > 3` work) and results are checked to be booleans.
 */
import { Environment, parse, serialize, type ASTNode } from '@marcbachmann/cel-js';
import { compileLinearRegex } from '../../../shared/bounded-regex.js';
import { EvaluationBudget, OVER_BUDGET } from './budget.js';
import { CelRewriter, isNode, type CelNode, type Placeholder } from './cel-rewrite.js';
import { getPath, isObject } from './paths.js';

const environment = new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false });

/** Orders numbers with numbers and strings with strings; null compares false with anything. */
function order(a: unknown, b: unknown): number | null {
  if (a === null || b === null || a === undefined || b === undefined) return null;
  const numeric = (v: unknown): v is number | bigint => typeof v === 'number' || typeof v === 'bigint';
  if (numeric(a) && numeric(b)) return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new Error(`cannot compare ${typeof a} with ${typeof b}`);
}
const compare = (test: (n: number) => boolean) => (a: unknown, b: unknown): boolean => {
  const result = order(a, b);
  return result !== null && test(result);
};
/** The budget of the evaluation running now: cel-js calls functions synchronously, one program at a time. */
let running: EvaluationBudget | null = null;
const spent = (): EvaluationBudget => (running ??= new EvaluationBudget());
// Thrown often once a budget runs out (every remaining iteration ticks), so made once, stack and all.
const overBudget = new Error(OVER_BUDGET);

function tick(): boolean {
  if (!spent().spendCelStep()) throw overBudget;
  return true;
}

function grown(value: unknown): boolean {
  const size = typeof value === 'string' || Array.isArray(value) ? value.length : 1;
  if (!spent().spendCelItems(size)) throw overBudget;
  return true;
}

function matches(text: unknown, pattern: unknown): boolean {
  if (typeof text !== 'string' || typeof pattern !== 'string') throw new Error('matches() needs a string and a pattern string');
  const compiled = compileLinearRegex(pattern);
  if (!compiled.ok) throw new Error(compiled.problem);
  if (!spent().spendRegex(text.length)) throw overBudget;
  return compiled.regex.test(text);
}

environment
  .registerFunction('__tick(): bool', tick)
  .registerFunction('__grown(dyn): bool', grown)
  .registerFunction('__matches(string, string): bool', matches)
  .registerFunction('__lt(dyn, dyn): bool', compare((n) => n < 0))
  .registerFunction('__le(dyn, dyn): bool', compare((n) => n <= 0))
  .registerFunction('__gt(dyn, dyn): bool', compare((n) => n > 0))
  .registerFunction('__ge(dyn, dyn): bool', compare((n) => n >= 0));

export function toCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCel);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toCel(v)]));
  return value ?? null;
}

export class CelCompileError extends Error {}

/** The first line of a cel-js error, plus its column; the rest is an ASCII caret drawing. */
export function celErrorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const first = error.message.split('\n')[0] ?? error.message;
  const node: unknown = (error as { node?: unknown }).node;
  const pos = typeof node === 'object' && node !== null && 'pos' in node ? Number(node.pos) : NaN;
  return Number.isFinite(pos) ? `${first} (at column ${pos + 1})` : first;
}

export interface CompiledCel {
  readonly source: string;
  /** Paths compared with string literals, e.g. intent names. */
  readonly comparedLiterals: readonly { path: string; value: string }[];
  /** Why literal `.matches()` patterns cannot run, for validation (at run time they fail the condition). */
  readonly regexProblems: readonly string[];
  evaluate(scope: Record<string, unknown>, budget?: EvaluationBudget): { value: boolean; error?: string };
}

export function compileCel(source: string): CompiledCel {
  let ast: CelNode;
  try {
    ast = parse(source).ast as unknown as CelNode;
  } catch (error) {
    throw new CelCompileError(celErrorText(error));
  }
  const rewriter = new CelRewriter();
  const rewritten = rewriter.rewrite(ast);
  if (!isNode(rewritten)) throw new CelCompileError('not an expression');
  const text = serialize(rewritten as unknown as ASTNode);
  const checked = environment.check(text);
  if (!checked.valid) throw new CelCompileError(celErrorText(checked.error).replace(/__[ph]\d+/g, 'value').replace(/__matches/g, 'matches'));
  const program = environment.parse(text);
  const placeholders: readonly Placeholder[] = rewriter.placeholders;
  return {
    source,
    comparedLiterals: rewriter.comparedLiterals,
    regexProblems: rewriter.regexLiterals.flatMap((pattern) => {
      const compiled = compileLinearRegex(pattern);
      return compiled.ok ? [] : [compiled.problem];
    }),
    evaluate(scope, budget = new EvaluationBudget()) {
      if (budget.exceeded) return { value: false, error: OVER_BUDGET };
      const activation: Record<string, unknown> = {};
      for (const p of placeholders) {
        const value = getPath(scope, p.path);
        activation[p.name] = p.kind === 'has' ? value !== null : toCel(value);
      }
      running = budget;
      try {
        const result: unknown = program(activation);
        if (typeof result === 'boolean') return { value: result };
        return { value: false, error: `the condition must give true or false, not ${typeof result}` };
      } catch (error) {
        return { value: false, error: budget.exceeded ? `${OVER_BUDGET}: ${budget.exceeded}` : celErrorText(error) };
      } finally {
        running = null;
      }
    },
  };
}
