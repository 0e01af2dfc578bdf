import type { z } from 'zod';
import { AppError } from '../../shared/app-error.js';
import type { IntegrationKind } from './kinds/define-kind.js';
import { findKind, integrationKinds } from './kinds/registry.js';

export interface ValidDefinition {
  kind: IntegrationKind<unknown, unknown>;
  config: Record<string, unknown>;
  secrets: Record<string, string>;
}

function invalid(what: string, issues: readonly z.core.$ZodIssue[]): AppError {
  const listed = issues.map((i) => ({ path: [what, ...i.path.map(String)].join('.'), message: i.message }));
  const first = listed[0]!;
  return new AppError('bad_request', `Invalid integration: ${first.path}: ${first.message}.`, { details: { issues: listed } });
}

/** Checks a definition against its kind's schemas, the way a bot builder's form would, listing every problem. */
export function validateDefinition(
  kindId: string,
  input: { config: Record<string, unknown>; secrets: Record<string, string> },
  env: { stdioCommands: readonly string[] },
): ValidDefinition {
  const kind = findKind(kindId);
  if (!kind) {
    throw new AppError('bad_request', `Unknown integration kind '${kindId}'; use one of: ${integrationKinds.map((k) => k.id).join(', ')}.`, {
      details: { issues: [{ path: 'kind', message: 'unknown kind' }] },
    });
  }
  const config = kind.configSchema.safeParse(input.config);
  if (!config.success) throw invalid('config', config.error.issues);
  const secrets = kind.secretsSchema.safeParse(input.secrets);
  if (!secrets.success) throw invalid('secrets', secrets.error.issues);
  const problems = kind.problems?.(config.data, secrets.data, env) ?? [];
  if (problems.length > 0) {
    throw new AppError('bad_request', `Invalid integration: ${problems[0]}.`, { details: { issues: problems.map((message) => ({ path: '', message })) } });
  }
  return { kind, config: config.data as Record<string, unknown>, secrets: input.secrets };
}
