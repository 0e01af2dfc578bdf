import vm from 'node:vm';

/**
 * Runs a bot builder's regular expression with a time limit. Capping the input length is not
 * enough on its own: `(a+)+$` backtracks exponentially, so 2,000 characters would never finish.
 * V8 can only interrupt a running regex through `vm`'s watchdog, which costs about 0.2 ms a call;
 * built-in extractors use linear patterns and do not need it.
 */
export const REGEX_TIMEOUT_MS = 50;

export interface FoundMatch {
  index: number;
  text: string;
  /** The first capture group, when the pattern has one and it took part in the match. */
  group: string | undefined;
}

const context = vm.createContext({ re: null, input: '', found: [] });
const script = new vm.Script(`
  found = [];
  for (const m of input.matchAll(re)) {
    if (m[0].length > 0) found.push({ index: m.index, text: m[0], group: m[1] });
  }
`);

/** Every non-empty match of a global `re`, or `null` when the time limit ran out. */
export function matchAllWithin(re: RegExp, input: string, timeoutMs = REGEX_TIMEOUT_MS): FoundMatch[] | null {
  context.re = re;
  context.input = input;
  try {
    script.runInContext(context, { timeout: timeoutMs });
    // Copied out of the context so that callers never hold objects of another realm.
    return (context.found as FoundMatch[]).map((m) => ({ index: m.index, text: m.text, group: m.group }));
  } catch {
    return null;
  } finally {
    context.re = null;
    context.input = '';
    context.found = [];
  }
}
