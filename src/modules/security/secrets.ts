import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { AppError } from '../../shared/app-error.js';
import type { Secrets } from './contract.js';

/**
 * AES-256-GCM under a master key ring. A ciphertext names the key that sealed it
 * (`v1.<keyId>.<iv>.<tag>.<data>`), so after a rotation old values still open and
 * `mcp-engine keys rotate` can re-seal them under the new current key. The `context` (tenant and
 * purpose) is bound as additional data: a value copied to another tenant's row does not open.
 */
export interface MasterKey {
  id: string;
  key: Buffer;
}

const VERSION = 'v1';

/** The id of a key given without one: what a single bare key sealed under, wherever it stands later in a ring. */
export const IMPLICIT_KEY_ID = 'k1';

/**
 * Parses `MCP_MASTER_KEY`: `base64key` or `id:base64key,id:base64key` (the first one seals). A key
 * without an id is `k1` in any position, so `k2:NEW,OLD` still opens what OLD sealed on its own.
 */
export function parseMasterKeys(value: string): MasterKey[] {
  const keys = value.split(',').map((part) => {
    const [id, encoded] = part.includes(':') ? part.split(':', 2).map((s) => s.trim()) : [IMPLICIT_KEY_ID, part.trim()];
    const key = Buffer.from(encoded!, 'base64');
    if (key.length !== 32 || !/^[A-Za-z0-9_-]{1,32}$/.test(id!)) {
      throw new Error('MCP_MASTER_KEY: each key must be 32 bytes in base64 (e.g. `openssl rand -base64 32`), optionally prefixed by an id and a colon');
    }
    return { id: id!, key };
  });
  const seen = new Set<string>();
  for (const { id } of keys) {
    if (seen.has(id)) {
      throw new Error(`MCP_MASTER_KEY: key id '${id}' is given twice${id === IMPLICIT_KEY_ID ? ' (a key without an id is k1)' : ''}; give each key its own id, e.g. \`k2:NEWKEY,k1:OLDKEY\``);
    }
    seen.add(id);
  }
  return keys;
}

export const generateMasterKey = (): string => `k${Date.now().toString(36)}:${randomBytes(32).toString('base64')}`;

export function createSecrets(keys: readonly MasterKey[]): Secrets {
  const current = keys[0];
  if (!current) throw new Error('createSecrets needs at least one master key');
  const byId = new Map(keys.map((k) => [k.id, k.key]));
  const aad = (context: string) => createHash('sha256').update(context).digest();

  return {
    currentKeyId: current.id,
    encrypt(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv);
      cipher.setAAD(aad(context));
      const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, current.id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
    },
    decrypt(ciphertext, context) {
      const [version, keyId, iv, tag, data] = ciphertext.split('.');
      const key = keyId ? byId.get(keyId) : undefined;
      if (version !== VERSION || !key || !iv || !tag || data === undefined) {
        throw new AppError('internal', `A stored secret cannot be opened: master key '${keyId ?? '?'}' is not configured.`);
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(aad(context));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
      } catch (error) {
        throw new AppError('internal', 'A stored secret failed its integrity check.', { cause: error });
      }
    },
    keyIdOf(ciphertext) {
      return ciphertext.split('.')[1] ?? null;
    },
    has(keyId) {
      return byId.has(keyId);
    },
  };
}
