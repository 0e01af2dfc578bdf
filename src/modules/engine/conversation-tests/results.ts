/** What a conversation test run reports: plain JSON, the same for the CLI and the API. */
import { z } from 'zod';
import { flowIssueSchema } from '../flow/flow-issue.js';

/** The expected and actual replies aligned, line by line. */
export const diffLineSchema = z.object({ kind: z.enum(['same', 'missing', 'unexpected']), text: z.string() });
export type DiffLine = z.infer<typeof diffLineSchema>;

/** One expectation that did not hold. `field` is e.g. `state`, `replies`, `slots.order_id`. */
export const testFailureSchema = z.object({
  /** 1-based turn index; 0 for problems of the whole test (an invalid flow). */
  turn: z.number(),
  /** What the user sent on that turn (`say` text or `payload: …`), for the report. */
  input: z.string().nullable(),
  field: z.string(),
  expected: z.unknown(),
  actual: z.unknown(),
  message: z.string().optional(),
  /** For `replies`: the expected and actual replies aligned, line by line. */
  diff: z.array(diffLineSchema).optional(),
});
export type TestFailure = z.infer<typeof testFailureSchema>;

export const testResultSchema = z.object({
  name: z.string(),
  ok: z.boolean(),
  /** Turns run; a test stops at its first failing turn, as later turns would fail for the same reason. */
  turns: z.number(),
  failures: z.array(testFailureSchema),
});
export type TestResult = z.infer<typeof testResultSchema>;

export const suiteResultSchema = z
  .object({
    ok: z.boolean(),
    /** The flow's name, or null when the flow could not be read. */
    flow: z.string().nullable(),
    passed: z.number(),
    failed: z.number(),
    /** Errors and warnings of the flow; a flow with errors fails every test of the suite. */
    flowIssues: z.array(flowIssueSchema),
    results: z.array(testResultSchema),
  })
  .meta({ id: 'SuiteResult' });
export type SuiteResult = z.infer<typeof suiteResultSchema>;
