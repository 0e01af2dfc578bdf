import vm from 'node:vm';
import safeRegex from 'safe-regex2';

/**
 * Runs a bot builder's regular expression with a time limit. Capping the input length is not
 * enough on its own: `(a+)+$` backtracks exponentially, so 2,000 characters would never finish.
 * V8 can only interrupt a running regex through `vm`'s watchdog, which costs about 0.2 ms a call
 * (a tenth of a whole turn's CPU), so only patterns that could blow up pay for it: those with nested
 * quantifiers, as safe-regex2 (Fastify's choice for route patterns) judges them. The rest run
 * directly on input already capped at a few thousand characters. Built-in extractors use linear
 * patterns and do not come here.
 */
export const REGEX_TIMEOUT_MS = 50;

export interface FoundMatch {
  index: number;
  text: string;
  /** The first capture group, when the pattern has one and it took part in the match. */
  group: string | undefined;
}

const context = vm.createContext({ re: null, input: '', found: [] as unknown });
const matchAllScript = new vm.Script(`
  found = [];
  for (const m of input.matchAll(re)) {
    if (m[0].length > 0) found.push({ index: m.index, text: m[0], group: m[1] });
  }
`);
const testScript = new vm.Script('found = re.test(input);');

/** Runs `run` on `re` and `input` in the context under the watchdog: what it left in `found`, or null when time ran out. */
function runWithin(run: vm.Script, re: RegExp, input: string, timeoutMs: number): unknown {
  context.re = re;
  context.input = input;
  try {
    run.runInContext(context, { timeout: timeoutMs });
    return context.found;
  } catch {
    return null;
  } finally {
    context.re = null;
    context.input = '';
    context.found = [];
  }
}

const verdicts = new WeakMap<RegExp, boolean>();

function cannotBlowUp(re: RegExp): boolean {
  let verdict = verdicts.get(re);
  if (verdict === undefined) {
    verdict = safeRegex(re);
    verdicts.set(re, verdict);
  }
  return verdict;
}

/** Every non-empty match of a global `re`, or `null` when the time limit ran out. */
export function matchAllWithin(re: RegExp, input: string, timeoutMs = REGEX_TIMEOUT_MS): FoundMatch[] | null {
  if (cannotBlowUp(re)) {
    const found: FoundMatch[] = [];
    for (const m of input.matchAll(re)) if (m[0].length > 0) found.push({ index: m.index, text: m[0], group: m[1] });
    return found;
  }
  const found = runWithin(matchAllScript, re, input, timeoutMs);
  // Copied out of the context so that callers never hold objects of another realm.
  return found === null ? null : (found as FoundMatch[]).map((m) => ({ index: m.index, text: m.text, group: m.group }));
}

/** Whether `pattern` matches `input` (conversation tests' `matches`); null when it ran out of time. */
export function testWithin(pattern: string, input: string, timeoutMs = REGEX_TIMEOUT_MS): boolean | null {
  const re = new RegExp(pattern);
  if (cannotBlowUp(re)) return re.test(input);
  const found = runWithin(testScript, re, input, timeoutMs);
  return found === null ? null : found === true;
}
