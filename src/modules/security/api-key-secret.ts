import { createHash } from 'node:crypto';

/**
 * Generated keys look like `mcp_<random>`. Only a SHA-256 of the key is stored, and keys are found
 * by that hash: they carry 192 bits of entropy, so a fast hash is the right tool (a password hash
 * would only slow every request) and an index lookup on it leaks nothing useful.
 */
export function formatApiKey(random: string): string {
  return `mcp_${random}`;
}

/** The part shown to people so they can tell keys apart without seeing the secret. */
export function visiblePrefix(key: string): string {
  return key.slice(0, 12);
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
