import { type DefinitionIssue, defineExtractor } from './extractor.js';
import { matchAllWithin } from '../../../shared/bounded-regex.js';

// The engine scans the whole text itself; a builder's `g` or `y` would change that, and `d` is unused.
const MANAGED_FLAGS = /[gyd]/g;

function toRegExp(pattern: string, flags = ''): RegExp {
  return new RegExp(pattern, `${flags.replace(MANAGED_FLAGS, '')}g`);
}

// V8's reasons, said the way a bot builder can act on.
const HINTS: Record<string, string> = {
  'Unterminated group': 'a "(" is never closed',
  "Unmatched ')'": 'a ")" has no "(" before it; write \\) to match a bracket',
  'Nothing to repeat': '*, + or ? follows nothing it could repeat; write \\* (etc.) to match the character',
  'Unterminated character class': 'a "[" is never closed',
  'Lone quantifier brackets': 'a "{" or "}" is not a {min,max} repeat; write \\{ to match it',
  'Invalid group': 'unsupported syntax after "(?"',
  'Invalid escape': 'a backslash escape is not allowed here (with the u flag, only escape special characters)',
  '\\ at end of pattern': 'the pattern ends with a lone backslash',
};

/** "Invalid regular expression: /(/: Unterminated group" → "a "(" is never closed (Unterminated group)". */
function plainReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const reason = message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
  const hint = HINTS[reason];
  return hint ? `${hint} (${reason})` : reason;
}

function flagIssue(flags: string): string | null {
  const unknown = [...flags].find((f) => !'dgimsuvy'.includes(f));
  if (unknown) return `unknown flag "${unknown}"; use i (ignore case), m (multiline), s (dot matches newline), u or v (unicode)`;
  const repeated = [...flags].find((f, i) => flags.indexOf(f) !== i);
  if (repeated) return `flag "${repeated}" is given twice`;
  if (flags.includes('u') && flags.includes('v')) return 'flags u and v cannot be combined';
  return null;
}

function issues(definition: Record<string, unknown>, path: string): DefinitionIssue[] {
  const { pattern, flags } = definition;
  if (typeof pattern !== 'string' || pattern === '') {
    return [{ path: `${path}.pattern`, message: 'a regex entity needs a non-empty `pattern` string' }];
  }
  if (flags !== undefined && typeof flags !== 'string') {
    return [{ path: `${path}.flags`, message: '`flags` must be a string such as "i"' }];
  }
  const badFlags = flags ? flagIssue(flags) : null;
  if (badFlags) return [{ path: `${path}.flags`, message: `flags ${JSON.stringify(flags)} are not valid: ${badFlags}` }];
  try {
    toRegExp(pattern, flags);
    return [];
  } catch (error) {
    return [{ path: `${path}.pattern`, message: `pattern ${JSON.stringify(pattern)} is not a valid regular expression: ${plainReason(error)}` }];
  }
}

/**
 * value: the first capture group when the pattern has one (e.g. `order #(\d+)` → "123"), else the
 * whole match; the span is always the whole match. A pattern that runs out of time yields nothing.
 */
export const regexExtractor = defineExtractor({
  type: 'regex',
  issues,
  compile(definition) {
    const re = toRegExp(definition.pattern, definition.flags);
    return (text) =>
      (matchAllWithin(re, text) ?? []).map((m) => ({
        value: m.group ?? m.text,
        start: m.index,
        end: m.index + m.text.length,
      }));
  },
});
