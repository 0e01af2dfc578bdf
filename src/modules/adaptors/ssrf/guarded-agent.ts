import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { CallError } from '../call-error.js';
import { type AddressPolicy, normaliseAddress } from './address-policy.js';

export const ssrfError = (target: string, reason: string): CallError =>
  new CallError('ssrf_blocked', `Refused to connect to ${target}: ${reason}. An operator can allow it with MCP_SSRF_ALLOW.`);

/**
 * A DNS lookup that only ever hands allowed addresses to the socket. Because the check runs on the
 * very addresses `connect` then uses, a name that resolves to a public address when validated and
 * to 127.0.0.1 a moment later (DNS rebinding) cannot get through.
 */
function guardedLookup(policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, resolved: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const allowHost = policy.allowsHost(hostname);
      const usable = resolved.filter((a) => allowHost || policy.checkAddress(a.address).ok);
      const first = usable[0];
      if (!first) {
        const verdict = resolved[0] ? policy.checkAddress(resolved[0].address) : { ok: false as const, reason: 'no address' };
        const reason = verdict.ok ? 'no allowed address' : verdict.reason;
        return callback(ssrfError(hostname, `it resolves to ${reason}`), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, usable);
      callback(null, first.address, first.family);
    });
  };
}

/**
 * An undici Agent whose every connection goes through the policy: IP literals are checked here
 * (sockets skip DNS for them) and names through `guardedLookup`. Redirect hops open connections
 * through the same agent, so each hop is checked too.
 */
export function createGuardedAgent(policy: AddressPolicy): Agent {
  const connect = buildConnector({ lookup: guardedLookup(policy) });
  return new Agent({
    connect: (options, callback) => {
      const host = normaliseAddress(options.hostname);
      if (isIP(host) && !policy.allowsHost(host)) {
        const verdict = policy.checkAddress(host);
        if (!verdict.ok) {
          callback(ssrfError(host, verdict.reason), null);
          return;
        }
      }
      connect(options, callback);
    },
  });
}

/** Scheme and literal-address check before any request, for a clear error without a connection attempt. */
export function checkUrl(policy: AddressPolicy, raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CallError('misconfigured', `'${raw}' is not a valid URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw ssrfError(url.protocol.replace(/:$/, '') + ' URL', 'only http and https are allowed');
  }
  if (url.username || url.password) throw new CallError('misconfigured', 'URLs must not carry credentials; use the integration\'s auth settings.');
  const host = normaliseAddress(url.hostname);
  if (isIP(host) && !policy.allowsHost(host)) {
    const verdict = policy.checkAddress(host);
    if (!verdict.ok) throw ssrfError(host, verdict.reason);
  }
  return url;
}
