import { describe, expect, it } from 'vitest';
import { allowEntryProblem, createAddressPolicy } from './address-policy.js';

describe('address policy', () => {
  const guard = createAddressPolicy([]);

  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '::ffff:169.254.169.254',
    '[::1]',
    // IPv6 forms that deliver to a private or link-local IPv4 address.
    '::7f00:1',
    '::127.0.0.1',
    '::a9fe:a9fe',
    '::ffff:7f00:1',
    '::ffff:0:a9fe:a9fe',
    '2002:a9fe:a9fe::1',
    '2002:7f00:1::',
    '64:ff9b::7f00:1',
    '64:ff9b::10.0.0.1',
    '64:ff9b:1::a00:1',
    '2001:0:4136:e378:8000:63bf:80ff:fffe',
  ])('refuses %s by default', (address) => {
    expect(guard.checkAddress(address).ok).toBe(false);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '64:ff9b::808:808', '2002:808:808::1'])('allows the public address %s', (address) => {
    expect(guard.checkAddress(address)).toEqual({ ok: true });
  });

  it('names the kind of address it refuses', () => {
    expect(guard.checkAddress('169.254.169.254')).toEqual({ ok: false, reason: '169.254.169.254 is a link-local (cloud metadata) address' });
    expect(guard.checkAddress('::ffff:10.0.0.1')).toEqual({ ok: false, reason: '10.0.0.1 is a private address' });
    expect(guard.checkAddress('2002:a9fe:a9fe::1')).toEqual({ ok: false, reason: '169.254.169.254 (inside 2002:a9fe:a9fe::1) is a link-local (cloud metadata) address' });
  });

  it('lets the operator allow addresses, ranges and host names', () => {
    const allowed = createAddressPolicy(['127.0.0.1', '10.20.0.0/16', 'erp.internal.']);
    expect(allowed.checkAddress('127.0.0.1').ok).toBe(true);
    expect(allowed.checkAddress('::ffff:127.0.0.1').ok).toBe(true);
    expect(allowed.checkAddress('::7f00:1').ok).toBe(true);
    expect(allowed.checkAddress('127.0.0.2').ok).toBe(false);
    expect(allowed.checkAddress('10.20.3.4').ok).toBe(true);
    expect(allowed.checkAddress('10.21.0.1').ok).toBe(false);
    expect(allowed.checkAddress('169.254.169.254').ok).toBe(false);
    expect(allowed.allowsHost('ERP.internal')).toBe(true);
    expect(allowed.allowsHost('evil.example')).toBe(false);
  });

  it('reports malformed allow-list entries', () => {
    expect(allowEntryProblem('10.0.0.0/8')).toBeNull();
    expect(allowEntryProblem('fd00::/8')).toBeNull();
    expect(allowEntryProblem('erp.local')).toBeNull();
    expect(allowEntryProblem('10.0.0.0/40')).toMatch(/not a valid CIDR/);
    expect(allowEntryProblem('host/8')).toMatch(/not a valid CIDR/);
  });
});
