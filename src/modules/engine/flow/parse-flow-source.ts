/** Turns a request body (YAML or JSON text, or parsed JSON) into a value for validateFlow. */
import { parseDocument } from 'yaml';
import { findInputProblem } from '../../../shared/safe-input.js';
import { flowError, type FlowIssue } from './flow-issue.js';

export const MAX_FLOW_SOURCE_BYTES = 512 * 1024;
export const MAX_STATES = 500;

export type ParsedFlowSource = { ok: true; value: unknown } | { ok: false; issues: FlowIssue[] };

const tooLarge = (bytes: number): ParsedFlowSource => ({
  ok: false,
  issues: [flowError('', 'flow_too_large', `the flow is ${Math.ceil(bytes / 1024)} KiB; the limit is ${MAX_FLOW_SOURCE_BYTES / 1024} KiB — split it into smaller flows`)],
});

export function parseFlowSource(body: string | object): ParsedFlowSource {
  if (typeof body !== 'string') {
    const bytes = Buffer.byteLength(JSON.stringify(body) ?? '', 'utf8');
    return bytes > MAX_FLOW_SOURCE_BYTES ? tooLarge(bytes) : { ok: true, value: body };
  }
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > MAX_FLOW_SOURCE_BYTES) return tooLarge(bytes);
  if (!body.trim()) return { ok: false, issues: [flowError('', 'empty_flow', 'the flow source is empty: send YAML or JSON with name, start and states')] };
  // YAML 1.2 is a superset of JSON, so one parser takes both; duplicate keys are errors.
  const document = parseDocument(body, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    return {
      ok: false,
      issues: document.errors.map((error) => {
        const position = error.linePos?.[0];
        const firstLine = error.message.split('\n')[0] ?? error.message;
        const issue = flowError('', 'invalid_yaml', position ? `YAML syntax error at line ${position.line}, column ${position.col}: ${firstLine.replace(/ at line \d+, column \d+:?$/, '')}` : `YAML syntax error: ${firstLine}`);
        return position ? { ...issue, line: position.line } : issue;
      }),
    };
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (error) {
    return { ok: false, issues: [flowError('', 'invalid_yaml', `YAML error: ${(error as Error).message}`)] };
  }
  // YAML escapes ("\0") reach what JSON bodies cannot: the same NUL and depth limits as the API's edge.
  const problem = findInputProblem(value);
  return problem ? { ok: false, issues: [flowError(problem.path, 'invalid_value', `the value ${problem.message}`)] } : { ok: true, value };
}
