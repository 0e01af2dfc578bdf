import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Which addresses an integration may connect to. ipaddr.js parses and matches CIDRs; what it does
 * not do for us is see the IPv4 address inside IPv6 forms that deliver to it (`::7f00:1`,
 * `2002:a9fe:a9fe::1`, `64:ff9b::a00:1`): those are decoded here and judged as that IPv4 address.
 */
type Ip = ipaddr.IPv4 | ipaddr.IPv6;
type Range = [Ip, number];

const DENIED: readonly [cidr: string, reason: string][] = [
  ['0.0.0.0/8', 'unspecified'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'shared (carrier-grade NAT)'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local (cloud metadata)'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'IETF protocol assignments'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmarking'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  // Where the IPv4 address sits depends on the operator's prefix length, so it cannot be decoded.
  ['64:ff9b:1::/48', 'local-use NAT64'],
  // Teredo hides the client's IPv4 address (XORed); nothing legitimate is hosted there.
  ['2001::/32', 'Teredo tunnel'],
  ['fc00::/7', 'private (unique local)'],
  ['fe80::/10', 'link-local'],
  ['ff00::/8', 'multicast'],
];

/** IPv6 ranges whose packets end up at an IPv4 address, and the byte offset of that address. */
const EMBEDDING: readonly [cidr: string, offset: number][] = [
  ['::ffff:0:0/96', 12], // IPv4-mapped
  ['::ffff:0:0:0/96', 12], // IPv4-translated (RFC 6145)
  ['64:ff9b::/96', 12], // NAT64 well-known prefix (RFC 6052)
  ['2002::/16', 2], // 6to4 (RFC 3056)
  ['::/96', 12], // IPv4-compatible (deprecated, still routed by some stacks)
];

export type AddressVerdict = { ok: true } | { ok: false; reason: string };

export interface AddressPolicy {
  /** Checks one IP address about to be connected to. */
  checkAddress(address: string): AddressVerdict;
  /** True when the operator allow-listed this host name (then any address it resolves to is fine). */
  allowsHost(hostname: string): boolean;
}

const parseRange = (cidr: string): Range => ipaddr.parseCIDR(cidr);
const denied = DENIED.map(([cidr, reason]) => ({ range: parseRange(cidr), reason }));
const embeddings = EMBEDDING.map(([cidr, offset]) => ({ range: parseRange(cidr), offset }));

const matches = (ip: Ip, range: Range): boolean => ip.kind() === range[0].kind() && ip.match(range);

/** The IPv4 address an IPv6 address delivers to, if it is one of the forms that embed one. */
function embeddedIpv4(ip: ipaddr.IPv6): ipaddr.IPv4 | null {
  const form = embeddings.find((e) => matches(ip, e.range));
  return form ? new ipaddr.IPv4(ip.toByteArray().slice(form.offset, form.offset + 4)) : null;
}

/** `[::ffff:10.0.0.1]` is 10.0.0.1 on the wire: judge (and allow-list) it as IPv4. */
export function normaliseAddress(address: string): string {
  const bare = address.replace(/^\[|\]$/g, '').toLowerCase();
  if (isIP(bare) !== 6) return bare;
  const ip = ipaddr.IPv6.parse(bare);
  return ip.isIPv4MappedAddress() ? ip.toIPv4Address().toString() : bare;
}

/** Parses one MCP_SSRF_ALLOW entry; returns an error message for a malformed one. */
export function allowEntryProblem(entry: string): string | null {
  const [ip, bits, extra] = entry.split('/');
  if (extra !== undefined || ip === undefined) return `'${entry}' is not a host, IP or CIDR`;
  if (bits === undefined) return isIP(ip) || /^[a-z0-9.-]+$/i.test(ip) ? null : `'${entry}' is not a host, IP or CIDR`;
  const max = isIP(ip) === 4 ? 32 : isIP(ip) === 6 ? 128 : 0;
  const prefix = Number(bits);
  return max > 0 && Number.isInteger(prefix) && prefix >= 0 && prefix <= max ? null : `'${entry}' is not a valid CIDR`;
}

function allowedRange(ip: string, bits: string | undefined): Range {
  const address = ipaddr.parse(normaliseAddress(ip));
  const full = address.kind() === 'ipv4' ? 32 : 128;
  // An IPv4-mapped entry was normalised to IPv4: its prefix loses the 96 mapping bits.
  const shift = isIP(ip) === 6 && address.kind() === 'ipv4' ? 96 : 0;
  return [address, bits === undefined ? full : Math.max(0, Number(bits) - shift)];
}

export function createAddressPolicy(allow: readonly string[]): AddressPolicy {
  const allowed: Range[] = [];
  const hosts = new Set<string>();
  for (const entry of allow) {
    const [ip = '', bits] = entry.split('/');
    if (isIP(ip)) allowed.push(allowedRange(ip, bits));
    else hosts.add(entry.toLowerCase().replace(/\.$/, ''));
  }

  return {
    checkAddress(raw) {
      const address = normaliseAddress(raw);
      if (!isIP(address)) return { ok: false, reason: `'${raw}' is not an IP address` };
      const ip = ipaddr.parse(address);
      const inner = ip.kind() === 'ipv6' ? embeddedIpv4(ip as ipaddr.IPv6) : null;
      const judged = [ip, ...(inner ? [inner] : [])];
      if (allowed.some((range) => judged.some((candidate) => matches(candidate, range)))) return { ok: true };
      for (const candidate of judged) {
        const hit = denied.find((d) => matches(candidate, d.range));
        if (!hit) continue;
        const what = candidate === ip ? address : `${candidate.toString()} (inside ${address})`;
        return { ok: false, reason: `${what} is ${/^[aeiou]/.test(hit.reason) ? 'an' : 'a'} ${hit.reason} address` };
      }
      return { ok: true };
    },
    allowsHost(hostname) {
      return hosts.has(hostname.toLowerCase().replace(/\.$/, ''));
    },
  };
}
