import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecrets, parseMasterKeys } from './secrets.js';

const key = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;

describe('secrets', () => {
  it('round-trips and never stores the plaintext', () => {
    const secrets = createSecrets(parseMasterKeys(key('a')));
    const sealed = secrets.encrypt('sk-live-123', 'tenant-1:openai');
    expect(sealed).not.toContain('sk-live-123');
    expect(secrets.decrypt(sealed, 'tenant-1:openai')).toBe('sk-live-123');
    expect(secrets.keyIdOf(sealed)).toBe('a');
  });

  it('refuses a value moved to another context (tenant) or tampered with', () => {
    const secrets = createSecrets(parseMasterKeys(key('a')));
    const sealed = secrets.encrypt('sk-live-123', 'tenant-1:openai');
    expect(() => secrets.decrypt(sealed, 'tenant-2:openai')).toThrow(/integrity/);
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(() => secrets.decrypt(tampered, 'tenant-1:openai')).toThrow();
  });

  it('opens values sealed under an older key after a rotation', () => {
    const old = key('old');
    const before = createSecrets(parseMasterKeys(old));
    const sealed = before.encrypt('s3cret', 'ctx');
    const after = createSecrets(parseMasterKeys(`${key('new')},${old}`));
    expect(after.decrypt(sealed, 'ctx')).toBe('s3cret');
    expect(after.keyIdOf(after.encrypt('s3cret', 'ctx'))).toBe('new');
  });

  it('names a key given without an id k1 wherever it stands, so `k2:NEW,OLD` opens what OLD sealed alone', () => {
    const old = randomBytes(32).toString('base64');
    const sealed = createSecrets(parseMasterKeys(old)).encrypt('s3cret', 'ctx');
    const ring = parseMasterKeys(`${key('k2')},${old}`);
    expect(ring.map((k) => k.id)).toEqual(['k2', 'k1']);
    expect(createSecrets(ring).decrypt(sealed, 'ctx')).toBe('s3cret');
  });

  it('refuses two keys under one id, which would leave one of them unreachable', () => {
    const bare = () => randomBytes(32).toString('base64');
    expect(() => parseMasterKeys(`${bare()},${bare()}`)).toThrow(/'k1' is given twice/);
    expect(() => parseMasterKeys(`${key('a')},${key('a')}`)).toThrow(/'a' is given twice/);
  });

  it('rejects malformed master keys with a message that says how to make one', () => {
    expect(() => parseMasterKeys('short')).toThrow(/openssl rand -base64 32/);
  });
});
