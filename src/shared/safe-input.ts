import { AppError } from './app-error.js';

/**
 * How deep input may nest. Real payloads (flows, webhooks, settings) stay under 15; the limit is
 * far below where recursive code (zod, JSON.stringify, PostgreSQL's jsonb) runs out of stack.
 */
export const MAX_INPUT_DEPTH = 64;

export interface InputProblem {
  /** Dotted path to the offending value or key, '' for the input itself. */
  path: string;
  message: string;
}

interface Pending {
  value: unknown;
  depth: number;
  key: string | null;
  parent: Pending | null;
}

const MAX_PATH_CHARS = 200;
// With the u flag a well-formed surrogate pair is one code point, so only lone halves match.
const LONE_SURROGATE = /\p{Cs}/u;

function pathOf(node: Pending): string {
  const keys: string[] = [];
  for (let at: Pending | null = node; at && at.key !== null; at = at.parent) keys.push(at.key);
  const path = keys.reverse().join('.');
  // Keys are input too: a megabyte-long one must not come back whole in the error.
  return path.length <= MAX_PATH_CHARS ? path : `…${path.slice(-MAX_PATH_CHARS)}`;
}

function textProblem(text: string): string | null {
  // PostgreSQL cannot store NUL in text or jsonb, nor an unpaired surrogate in jsonb.
  if (text.includes('\u0000')) return 'contains a NUL character (\\u0000), which is not allowed in text';
  if (LONE_SURROGATE.test(text)) return 'contains an unpaired UTF-16 surrogate (broken Unicode), which is not allowed in text';
  return null;
}

/**
 * The first NUL, broken Unicode or too-deep nesting in parsed input (JSON, a query string, a
 * form), or null. Iterative, so that a hostile depth cannot overflow the stack here either.
 */
export function findInputProblem(input: unknown, maxDepth = MAX_INPUT_DEPTH): InputProblem | null {
  const stack: Pending[] = [{ value: input, depth: 0, key: null, parent: null }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const { value } = node;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) return { path: pathOf(node), message: problem };
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (node.depth >= maxDepth) return { path: pathOf(node), message: `nests deeper than ${maxDepth} levels; flatten the data` };
    for (const [key, child] of Object.entries(value)) {
      const keyProblem = textProblem(key);
      if (keyProblem) return { path: pathOf(node), message: `has a key that ${keyProblem}` };
      stack.push({ value: child, depth: node.depth + 1, key, parent: node });
    }
  }
  return null;
}

/** Throws a 400 naming the problem and where it is; `what` names the input ("request body"). */
export function assertSafeInput(input: unknown, what: string): void {
  const problem = findInputProblem(input);
  if (!problem) return;
  const where = problem.path ? ` at '${problem.path}'` : '';
  throw new AppError('bad_request', `Invalid ${what}: the value${where} ${problem.message}.`, { details: { issues: [problem] } });
}

/** JSON.parse for untrusted text, with the same checks; malformed JSON is an `invalid_json` 400. */
export function parseUntrustedJson(text: string, what: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    throw new AppError('invalid_json', `The ${what} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  assertSafeInput(value, what);
  return value;
}
