import type { Secrets } from './contract.js';

/** The value sealed under the current master key, or null when it already is. */
export function resealed(secrets: Secrets, ciphertext: string, context: string): string | null {
  if (secrets.keyIdOf(ciphertext) === secrets.currentKeyId) return null;
  return secrets.encrypt(secrets.decrypt(ciphertext, context), context);
}
