import { RE2JS } from 're2js';

/**
 * Bot builders' regular expressions (conditions' `matches`, slot `validate`, CEL `.matches()`,
 * regex entities, conversation tests) run on RE2 semantics (re2js, a pure JS port of Go's
 * regexp), whose matching time is linear in the input. JavaScript's backtracking engine cannot be
 * trusted with them: `^(a|aa)+$` passes every "is it safe?" heuristic and still blocks the event
 * loop for seconds on 40 characters, and V8 can only interrupt a regex from a `vm` watchdog that
 * costs more than the match. What RE2 cannot run in linear time (backreferences, lookaheads) is
 * refused, with a message that says why, when the flow is validated.
 */
export interface FoundMatch {
  index: number;
  text: string;
  /** The first capture group, when the pattern has one and it took part in the match. */
  group: string | undefined;
}

export interface LinearRegex {
  /** Whether the pattern matches somewhere in `input` (like `RegExp.prototype.test`). */
  test(input: string): boolean;
  /** Every non-empty match, left to right. */
  matchAll(input: string): FoundMatch[];
}

/** `problem` names the pattern and says why it cannot run, for a bot builder. */
export type RegexCompilation = { ok: true; regex: LinearRegex } | { ok: false; problem: string };

const FLAG_BITS: Record<string, number> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL };
/** Global/sticky/indices are how callers iterate, and RE2 always matches by code point (`u`, `v`). */
const IGNORED_FLAGS = 'gydDuv';

/** JavaScript spellings RE2 writes differently: `\u00e9` is `\x{00e9}`, and `[^]` is any character. */
function toRe2Syntax(pattern: string): string {
  return pattern.replace(/\\u\{([0-9a-fA-F]+)\}|\\u([0-9a-fA-F]{4})|\\[^]|\[\^\]/g, (all, braced?: string, four?: string) => {
    const hex = braced ?? four;
    if (hex !== undefined) return `\\x{${hex}}`;
    return all === '[^]' ? '(?s:.)' : all;
  });
}

/** What a bot builder should read when RE2 refuses a pattern that JavaScript would accept. */
function explain(message: string): string {
  const reason = /invalid escape sequence: `\\(?:[1-9]|k)/.test(message)
    ? 'backreferences (\\1, \\k<name>) are not supported'
    : /`\(\?[=!]/.test(message)
      ? 'lookaheads ((?=…) and (?!…)) are not supported'
      : /invalid repeat count/.test(message)
        ? 'repeat counts above 1000 are not supported'
        : message.replace(/^error parsing regexp: /, '');
  return `${reason}: builders' patterns run on a linear-time engine (RE2 syntax) so that no input can stall the server`;
}

function flagBits(flags: string): number | string {
  let bits = RE2JS.LOOKBEHINDS;
  for (const flag of flags) {
    const bit = FLAG_BITS[flag];
    if (bit !== undefined) bits |= bit;
    else if (!IGNORED_FLAGS.includes(flag)) return `unknown flag '${flag}'`;
  }
  return bits;
}

function wrap(re: RE2JS): LinearRegex {
  return {
    test: (input) => re.test(input),
    matchAll(input) {
      const found: FoundMatch[] = [];
      for (const m of re.matchAll(input)) {
        const text = m[0] ?? '';
        if (text.length > 0) found.push({ index: m.index ?? 0, text, group: m[1] ?? undefined });
      }
      return found;
    },
  };
}

const CACHE_SIZE = 500;
const compiled = new Map<string, RegexCompilation>();

/** Compiles once per pattern and flags (a CEL `.matches()` may build its pattern at run time). */
export function compileLinearRegex(pattern: string, flags = ''): RegexCompilation {
  const key = `${flags}/${pattern}`;
  const hit = compiled.get(key);
  if (hit) return hit;
  const bits = flagBits(flags);
  let result: RegexCompilation;
  const refused = (why: string): RegexCompilation => ({ ok: false, problem: `regular expression /${pattern}/ cannot be used: ${why}` });
  if (typeof bits === 'string') {
    result = refused(bits);
  } else {
    try {
      result = { ok: true, regex: wrap(RE2JS.compile(toRe2Syntax(pattern), bits)) };
    } catch (error) {
      result = refused(explain(error instanceof Error ? error.message : String(error)));
    }
  }
  if (compiled.size >= CACHE_SIZE) compiled.delete(compiled.keys().next().value!);
  compiled.set(key, result);
  return result;
}

/** Why `pattern` cannot run (JavaScript syntax first, then RE2's limits), or null when it can. */
export function regexProblem(pattern: string, flags = ''): string | null {
  try {
    new RegExp(pattern, flags.replace(/[^dgimsuvy]/g, ''));
  } catch (error) {
    return `invalid regular expression: ${(error as Error).message}`;
  }
  const result = compileLinearRegex(pattern, flags);
  return result.ok ? null : result.problem;
}

/** Every non-empty match of `re` (its source and flags run on RE2), or null when RE2 refuses it. */
export function matchAllWithin(re: RegExp, input: string): FoundMatch[] | null {
  const result = compileLinearRegex(re.source, re.flags);
  return result.ok ? result.regex.matchAll(input) : null;
}

/** Whether `pattern` matches `input` (conversation tests' `matches`); null when RE2 refuses it. */
export function testWithin(pattern: string, input: string): boolean | null {
  const result = compileLinearRegex(pattern);
  return result.ok ? result.regex.test(input) : null;
}
