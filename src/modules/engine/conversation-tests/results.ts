/** What a conversation test run reports: plain JSON, the same for the CLI and the API. */
import type { FlowIssue } from '../flow/index.js';
import type { DiffLine } from './expectations.js';

export type { DiffLine } from './expectations.js';

/** One expectation that did not hold. `field` is e.g. `state`, `replies`, `slots.order_id`. */
export interface TestFailure {
  /** 1-based turn index; 0 for problems of the whole test (an invalid flow). */
  turn: number;
  /** What the user sent on that turn (`say` text or `payload: …`), for the report. */
  input: string | null;
  field: string;
  expected: unknown;
  actual: unknown;
  message?: string;
  /** For `replies`: the expected and actual replies aligned, line by line. */
  diff?: DiffLine[];
}

export interface TestResult {
  name: string;
  ok: boolean;
  /** Turns run; a test stops at its first failing turn, as later turns would fail for the same reason. */
  turns: number;
  failures: TestFailure[];
}

export interface SuiteResult {
  ok: boolean;
  /** The flow's name, or null when the flow could not be read. */
  flow: string | null;
  passed: number;
  failed: number;
  /** Errors and warnings of the flow; a flow with errors fails every test of the suite. */
  flowIssues: FlowIssue[];
  results: TestResult[];
}
