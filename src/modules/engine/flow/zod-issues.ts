/**
 * Zod issues → flow issues a bot builder can act on. Unions (conditions, actions) report the
 * branch the input was closest to instead of a bare "Invalid input".
 */
import type { z } from 'zod';
import { closest } from './did-you-mean.js';
import { flowError, formatPath, type FlowIssue } from './flow-issue.js';

type Issue = z.core.$ZodIssue;

const isMissing = (issue: Issue): boolean => issue.code === 'invalid_type' && issue.message.endsWith('received undefined');

/** How far a union branch is from the input: a wrong base type is far, a missing key is near. */
function distance(issues: readonly Issue[]): number {
  return issues.reduce((sum, issue) => {
    if (issue.path.length === 0 && issue.code === 'invalid_type') return sum + 1000;
    if (issue.path.length === 0 && issue.code === 'unrecognized_keys') return sum + 10;
    if (issue.path.length === 1 && isMissing(issue)) return sum + 10;
    return sum + 1;
  }, 0);
}

function unionIssues(issue: Extract<Issue, { code: 'invalid_union' }>, base: PropertyKey[]): FlowIssue[] {
  const at = formatPath(base);
  if (issue.errors.length === 0) {
    // A discriminated union whose `type` matches no branch.
    const options = 'options' in issue && Array.isArray(issue.options) ? issue.options.map(String) : [];
    const hint = options.length ? `; expected one of: ${options.join(', ')}` : '';
    return [flowError(at, 'invalid_value', `${issue.message.replace(/\. Expected.*$/, '')}${hint}`)];
  }
  const branches = issue.errors;
  const unknownKeyEverywhere = branches.every((b) => b.some((i) => i.path.length === 0 && i.code === 'unrecognized_keys'));
  if (unknownKeyEverywhere) {
    // e.g. an action `{sett: …}`: no branch knows the key, so name the keys that would work.
    const unknown = branches[0]?.find((i) => i.code === 'unrecognized_keys');
    const keys = unknown && 'keys' in unknown ? unknown.keys : [];
    // Each branch complains about the key it wanted: that is the list of valid keys.
    const expected = branches.flatMap((b) => {
      const wanted = b.find((i) => i.path.length > 0 && !keys.includes(String(i.path[0])));
      return wanted ? [String(wanted.path[0])] : [];
    });
    if (expected.length > 1) {
      return keys.map((key) => flowError(at, 'unknown_key', `unknown key '${key}'; expected one of: ${expected.join(', ')}${closestHint(key, expected)}`));
    }
  }
  const best = [...branches].sort((a, b) => distance(a) - distance(b))[0] ?? [];
  return mapZodIssues(best, base);
}

const closestHint = (key: string, candidates: string[]): string => {
  const suggestion = closest(key, candidates);
  return suggestion ? ` (did you mean '${suggestion}'?)` : '';
};

function describe(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return isMissing(issue) ? 'this field is required' : issue.message.replace('Invalid input: ', '');
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
    default:
      return issue.message;
  }
}

export function mapZodIssues(issues: readonly Issue[], base: PropertyKey[] = []): FlowIssue[] {
  return issues.flatMap((issue) => {
    const path = [...base, ...issue.path];
    if (issue.code === 'invalid_union') return unionIssues(issue, path);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => flowError(formatPath([...path, key]), 'unknown_key', `unknown key '${key}'`));
    }
    const code = issue.code === 'invalid_type' && isMissing(issue) ? 'required' : issue.code;
    return [flowError(formatPath(path), code, describe(issue))];
  });
}
