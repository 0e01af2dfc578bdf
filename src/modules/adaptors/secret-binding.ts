import { AppError } from '../../shared/app-error.js';
import { secretsToReenter, urlDestination } from '../../shared/secret-destination.js';
import type { Destination, IntegrationKind } from './kinds/define-kind.js';

const key = (d: Destination): string => ('url' in d ? urlDestination(d.url) : d.process);

function destinationsOf(kind: IntegrationKind<unknown, unknown>, config: Record<string, unknown>): Destination[] {
  // A stored config the kind no longer accepts has no known destination: treat it as moved.
  const parsed = kind.configSchema.safeParse(config);
  return parsed.success ? kind.destinations(parsed.data) : [];
}

/**
 * Refuses an update that sends stored secrets somewhere new (another host, scheme or port, another
 * token endpoint, another MCP server or command line) unless the update enters them again.
 */
export function checkSecretsStay(
  kind: IntegrationKind<unknown, unknown>,
  change: { before: Record<string, unknown>; after: Record<string, unknown>; kept: readonly string[] },
): void {
  const before = destinationsOf(kind, change.before);
  const after = destinationsOf(kind, change.after);
  const missing = secretsToReenter({ before: before.map(key), after: after.map(key), kept: [...change.kept].sort() });
  if (missing.length === 0) return;
  const moved = after.filter((d, i) => before[i] === undefined || key(before[i]) !== key(d)).map((d) => d.path);
  const where = moved.length > 0 ? moved.join(', ') : 'its destination';
  const message = `Enter the secrets again (${missing.join(', ')}) when changing where they are sent (${where}): stored secrets only go to the server they were entered for`;
  throw new AppError('bad_request', `Invalid integration: ${message}.`, {
    details: { issues: missing.map((name) => ({ path: `secrets.${name}`, message: `enter '${name}' again: ${where} changed` })) },
  });
}
