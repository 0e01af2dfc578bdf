import { z } from 'zod';

/** A problem found in a flow, pointing at its node (`states.ask.transitions[0].to`). */
export const flowIssueSchema = z
  .object({
    path: z.string(),
    message: z.string(),
    severity: z.enum(['error', 'warning']),
    code: z.string(),
    /** Source line (1-based), when the problem was found in YAML/JSON text. */
    line: z.number().optional(),
  })
  .meta({ id: 'FlowIssue' });
export type FlowIssue = z.infer<typeof flowIssueSchema>;

export const flowError = (path: string, code: string, message: string): FlowIssue => ({ path, message, severity: 'error', code });
export const flowWarning = (path: string, code: string, message: string): FlowIssue => ({ path, message, severity: 'warning', code });

/** `['states', 'ask', 'transitions', 0, 'to']` → `states.ask.transitions[0].to`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, part) => {
    if (typeof part === 'number') return `${out}[${part}]`;
    const text = String(part);
    return out ? `${out}.${text}` : text;
  }, '');
}
