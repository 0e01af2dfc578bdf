/** Compares what one turn did with what the test expects; every mismatch becomes a failure. */
import { isDeepStrictEqual } from 'node:util';
import type { Reply } from '../flow/index.js';
import { isObject } from '../flow/paths.js';
import { testWithin } from '../../../shared/bounded-regex.js';
import type { ReplyMatcher, TurnExpect } from './suite-schema.js';
import type { DiffLine } from './results.js';

/** What the conversation looks like after a turn. */
export interface TurnActual {
  replies: Reply[];
  state: string | null;
  intent: string | null;
  slots: Record<string, unknown>;
  vars: Record<string, unknown>;
  ended: boolean;
  handoff: boolean;
}

/** A line of the replies diff: `same` matched, `missing` was expected, `unexpected` was said. */

export interface FieldFailure {
  field: string;
  expected: unknown;
  actual: unknown;
  message?: string;
  diff?: DiffLine[];
}

const buttonTitles = (reply: Reply): string[] => [...(reply.buttons ?? []), ...(reply.quickReplies ?? [])].map((b) => b.title);

export function describeMatcher(matcher: ReplyMatcher): string {
  if (typeof matcher === 'string') return JSON.stringify(matcher);
  const text =
    matcher.contains !== undefined ? `contains ${JSON.stringify(matcher.contains)}`
    : matcher.matches !== undefined ? `matches /${matcher.matches}/`
    : matcher.text !== undefined ? JSON.stringify(matcher.text)
    : 'any reply';
  return matcher.buttons ? `${text} [buttons: ${matcher.buttons.join(' | ')}]` : text;
}

const describeReply = (reply: Reply): string => {
  const titles = buttonTitles(reply);
  return titles.length ? `${JSON.stringify(reply.text)} [buttons: ${titles.join(' | ')}]` : JSON.stringify(reply.text);
};

export function replyMatches(matcher: ReplyMatcher, reply: Reply): boolean {
  if (typeof matcher === 'string') return reply.text === matcher;
  if (matcher.buttons && !isDeepStrictEqual(matcher.buttons, buttonTitles(reply))) return false;
  if (matcher.text !== undefined) return reply.text === matcher.text;
  if (matcher.contains !== undefined) return reply.text.includes(matcher.contains);
  if (matcher.matches !== undefined) return testWithin(matcher.matches, reply.text) === true;
  return true;
}

/** A longest-common-subsequence alignment, so one wrong reply shows as one -/+ pair, not a cascade. */
export function diffReplies(expected: readonly ReplyMatcher[], actual: readonly Reply[]): DiffLine[] {
  const n = expected.length;
  const m = actual.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i -= 1) {
    for (let j = m - 1; j >= 0; j -= 1) {
      lcs[i]![j] = replyMatches(expected[i]!, actual[j]!) ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && replyMatches(expected[i]!, actual[j]!)) {
      lines.push({ kind: 'same', text: describeReply(actual[j]!) });
      i += 1;
      j += 1;
    } else if (j < m && (i >= n || lcs[i]![j + 1]! > lcs[i + 1]![j]!)) {
      lines.push({ kind: 'unexpected', text: describeReply(actual[j]!) });
      j += 1;
    } else {
      lines.push({ kind: 'missing', text: describeMatcher(expected[i]!) });
      i += 1;
    }
  }
  return lines;
}

/** Expected keys only; nested objects are compared the same way; `null` also accepts a missing value. */
function subsetFailures(field: string, expected: unknown, actual: unknown): FieldFailure[] {
  if (isObject(expected) && isObject(actual)) {
    return Object.entries(expected).flatMap(([key, value]) => subsetFailures(`${field}.${key}`, value, actual[key]));
  }
  const got = actual === undefined ? null : actual;
  return isDeepStrictEqual(expected, got) ? [] : [{ field, expected, actual: got }];
}

export function checkTurn(expect: TurnExpect, actual: TurnActual): FieldFailure[] {
  const failures: FieldFailure[] = [];
  if (expect.replies && !(expect.replies.length === actual.replies.length && expect.replies.every((m, i) => replyMatches(m, actual.replies[i]!)))) {
    failures.push({
      field: 'replies',
      expected: expect.replies.map(describeMatcher),
      actual: actual.replies.map(describeReply),
      diff: diffReplies(expect.replies, actual.replies),
    });
  }
  for (const key of ['state', 'intent', 'ended', 'handoff'] as const) {
    const wanted = expect[key];
    if (wanted !== undefined && wanted !== actual[key]) failures.push({ field: key, expected: wanted, actual: actual[key] });
  }
  if (expect.slots) failures.push(...subsetFailures('slots', expect.slots, actual.slots));
  if (expect.vars) failures.push(...subsetFailures('vars', expect.vars, actual.vars));
  return failures;
}
