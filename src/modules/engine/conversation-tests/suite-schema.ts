/**
 * The conversation test file (examples/README.md): user turns with what the bot must answer and
 * where the conversation must be afterwards. Strict objects, so a typo'd key is reported, not ignored.
 */
import { parseDocument } from 'yaml';
import { z } from 'zod';
import type { FlowIssue } from '../flow/index.js';
import { flowError } from '../flow/flow-issue.js';
import { mapZodIssues } from '../flow/zod-issues.js';

const isoInstant = z.iso.datetime({ offset: true, message: 'use an ISO 8601 date-time, e.g. 2025-03-10T09:00:00Z' });
const regexSource = z
  .string()
  .min(1)
  .max(500)
  .refine((source) => {
    try {
      new RegExp(source);
      return true;
    } catch {
      return false;
    }
  }, 'not a valid regular expression');

/** One expected reply: its exact text, or a part of it, or a pattern; optionally its button titles. */
export const replyMatcherSchema = z.union([
  z.string(),
  z
    .strictObject({
      text: z.string().optional(),
      contains: z.string().min(1).optional(),
      matches: regexSource.optional(),
      buttons: z.array(z.string()).optional(),
    })
    .refine((m) => [m.text, m.contains, m.matches].filter((v) => v !== undefined).length <= 1, 'use one of text, contains or matches'),
]);

export const turnExpectSchema = z.strictObject({
  replies: z.array(replyMatcherSchema).optional(),
  state: z.string().nullable().optional(),
  intent: z.string().nullable().optional(),
  slots: z.record(z.string(), z.unknown()).optional(),
  vars: z.record(z.string(), z.unknown()).optional(),
  ended: z.boolean().optional(),
  handoff: z.boolean().optional(),
});

export const testTurnSchema = z
  .strictObject({
    say: z.string().max(4000).optional(),
    payload: z.string().min(1).max(1000).optional(),
    expect: turnExpectSchema.optional(),
  })
  .refine((t) => (t.say !== undefined && t.say.trim() !== '') || t.payload !== undefined, 'a turn needs `say` (non-empty text) or `payload`');

export const conversationTestSchema = z.strictObject({
  name: z.string().min(1),
  user: z.record(z.string(), z.unknown()).optional(),
  channel: z.string().min(1).max(40).optional(),
  /** Reference time of this test ("tomorrow" is relative to it); overrides the suite's. */
  now: isoInstant.optional(),
  turns: z.array(testTurnSchema).min(1).max(200),
});

export const conversationSuiteSchema = z.strictObject({
  /** The flow file, relative to the test file; the API ignores it (it tests the flow by id). */
  flow: z.string().min(1).optional(),
  /** Other flow files (relative to the test file) that the flow's `flow` states call by name; the API uses the workspace's published flows instead. */
  flows: z.array(z.string().min(1)).max(20).optional(),
  now: isoInstant.optional(),
  tests: z.array(conversationTestSchema).min(1).max(500),
});

export type ReplyMatcher = z.infer<typeof replyMatcherSchema>;
export type TurnExpect = z.infer<typeof turnExpectSchema>;
export type TestTurn = z.infer<typeof testTurnSchema>;
export type ConversationTest = z.infer<typeof conversationTestSchema>;
export type ConversationSuite = z.infer<typeof conversationSuiteSchema>;

export type ParsedSuite = { ok: true; suite: ConversationSuite } | { ok: false; issues: FlowIssue[] };

/** YAML or JSON text, or an already parsed object → a checked suite, or every problem with its path. */
export function parseSuite(input: string | object): ParsedSuite {
  let value: unknown = input;
  if (typeof input === 'string') {
    const document = parseDocument(input, { prettyErrors: true, uniqueKeys: true });
    const error = document.errors[0];
    if (error) {
      const position = error.linePos?.[0];
      const where = position ? ` at line ${position.line}, column ${position.col}` : '';
      const first = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
      return { ok: false, issues: [flowError('', 'invalid_yaml', `YAML syntax error${where}: ${first}`)] };
    }
    value = document.toJS({ maxAliasCount: 100 }) as unknown;
  }
  const parsed = conversationSuiteSchema.safeParse(value ?? {});
  return parsed.success ? { ok: true, suite: parsed.data } : { ok: false, issues: mapZodIssues(parsed.error.issues) };
}
