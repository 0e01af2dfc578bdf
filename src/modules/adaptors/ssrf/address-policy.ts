import { BlockList, isIP } from 'node:net';

/**
 * Which addresses an integration may connect to. Node's built-in `BlockList` does the CIDR
 * matching (IPv4, IPv6 and IPv4-mapped IPv6), so no hand-written bit arithmetic is needed.
 */
const DENIED: readonly [string, number, 'ipv4' | 'ipv6', string][] = [
  ['0.0.0.0', 8, 'ipv4', 'unspecified'],
  ['10.0.0.0', 8, 'ipv4', 'private'],
  ['100.64.0.0', 10, 'ipv4', 'shared (carrier-grade NAT)'],
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['169.254.0.0', 16, 'ipv4', 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'ipv4', 'private'],
  ['192.0.0.0', 24, 'ipv4', 'IETF protocol assignments'],
  ['192.168.0.0', 16, 'ipv4', 'private'],
  ['198.18.0.0', 15, 'ipv4', 'benchmarking'],
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  ['240.0.0.0', 4, 'ipv4', 'reserved'],
  ['::', 128, 'ipv6', 'unspecified'],
  ['::1', 128, 'ipv6', 'loopback'],
  ['64:ff9b::', 96, 'ipv6', 'NAT64'],
  ['fc00::', 7, 'ipv6', 'private (unique local)'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['ff00::', 8, 'ipv6', 'multicast'],
];

export type AddressVerdict = { ok: true } | { ok: false; reason: string };

export interface AddressPolicy {
  /** Checks one IP address about to be connected to. */
  checkAddress(address: string): AddressVerdict;
  /** True when the operator allow-listed this host name (then any address it resolves to is fine). */
  allowsHost(hostname: string): boolean;
}

const family = (address: string): 'ipv4' | 'ipv6' => (isIP(address) === 6 ? 'ipv6' : 'ipv4');

/** `::ffff:10.0.0.1` is 10.0.0.1 on the wire: judge (and allow-list) it as IPv4. */
export function normaliseAddress(address: string): string {
  const bare = address.replace(/^\[|\]$/g, '').toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  return mapped ? mapped[1]! : bare;
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

export function createAddressPolicy(allow: readonly string[]): AddressPolicy {
  const denied = DENIED.map(([network, prefix, type, reason]) => {
    const list = new BlockList();
    list.addSubnet(network, prefix, type);
    return { list, reason };
  });
  const allowed = new BlockList();
  const hosts = new Set<string>();
  for (const entry of allow) {
    const [ip = '', bits] = entry.split('/');
    if (isIP(ip)) {
      const type = family(ip);
      allowed.addSubnet(normaliseAddress(ip), bits === undefined ? (type === 'ipv4' ? 32 : 128) : Number(bits), type);
    } else {
      hosts.add(entry.toLowerCase().replace(/\.$/, ''));
    }
  }

  return {
    checkAddress(raw) {
      const address = normaliseAddress(raw);
      if (!isIP(address)) return { ok: false, reason: `'${raw}' is not an IP address` };
      const type = family(address);
      if (allowed.check(address, type)) return { ok: true };
      const hit = denied.find((d) => d.list.check(address, type));
      return hit ? { ok: false, reason: `${address} is a ${hit.reason} address` } : { ok: true };
    },
    allowsHost(hostname) {
      return hosts.has(hostname.toLowerCase().replace(/\.$/, ''));
    },
  };
}
