import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { AppError } from '../../shared/app-error.js';
import type { Destination } from './kinds/define-kind.js';
import { type AddressPolicy, normaliseAddress } from './ssrf/address-policy.js';

/** A name that does not resolve in time is left to the call-time guard rather than failing the save. */
const LOOKUP_TIMEOUT_MS = 2000;

export type Resolve = (hostname: string) => Promise<string[] | null>;

/** The addresses a host name resolves to now, or null when it does not (yet) resolve. */
export const resolveWithin: Resolve = async (hostname) => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), LOOKUP_TIMEOUT_MS)));
  const resolved = lookup(hostname, { all: true }).then(
    (addresses) => addresses.map((a) => a.address),
    () => null,
  );
  try {
    return await Promise.race([resolved, timeout]);
  } finally {
    clearTimeout(timer);
  }
};

const FIX = 'an operator can allow it with MCP_SSRF_ALLOW';

async function urlProblem(raw: string, policy: AddressPolicy, resolve: Resolve): Promise<string | null> {
  const url = new URL(raw);
  if (url.username || url.password) return "must not contain a user name or password: put credentials in the integration's auth settings and secrets, which are stored encrypted";
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http:// or https:// URL';
  const host = normaliseAddress(url.hostname);
  if (policy.allowsHost(host)) return null;
  if (isIP(host)) {
    const verdict = policy.checkAddress(host);
    return verdict.ok ? null : `${verdict.reason}, which integrations may not reach; ${FIX}`;
  }
  const addresses = await resolve(host);
  if (!addresses || addresses.length === 0) return null;
  const verdicts = addresses.map((a) => policy.checkAddress(a));
  if (verdicts.some((v) => v.ok)) return null;
  const first = verdicts[0] as { ok: false; reason: string };
  return `${host} resolves only to addresses integrations may not reach (${first.reason}); ${FIX}`;
}

/**
 * The call-time SSRF policy and the no-credentials-in-URLs rule, applied when an integration is
 * saved so a bad target is refused with a 400 rather than stored and failing later.
 */
export function createDestinationCheck(policy: AddressPolicy, resolve: Resolve = resolveWithin) {
  return async function checkDestinations(destinations: readonly Destination[]): Promise<void> {
    const issues: { path: string; message: string }[] = [];
    for (const d of destinations) {
      const problem = 'url' in d ? await urlProblem(d.url, policy, resolve) : null;
      if (problem) issues.push({ path: d.path, message: problem });
    }
    const first = issues[0];
    if (first) throw new AppError('bad_request', `Invalid integration: ${first.path}: ${first.message}.`, { details: { issues } });
  };
}

export type DestinationCheck = ReturnType<typeof createDestinationCheck>;
