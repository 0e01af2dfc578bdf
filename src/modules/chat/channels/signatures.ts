import { createHmac, timingSafeEqual } from 'node:crypto';

/** Constant-time comparison of two strings (different lengths are simply unequal). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

export const hmacHex = (algorithm: 'sha256' | 'sha1', key: string, data: string): string =>
  createHmac(algorithm, key).update(data, 'utf8').digest('hex');

export const hmacBase64 = (algorithm: 'sha256' | 'sha1', key: string, data: string): string =>
  createHmac(algorithm, key).update(data, 'utf8').digest('base64');
