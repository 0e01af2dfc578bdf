import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): strong enough for stored
 * passwords, cheap enough that a login stays well under 100 ms on a small server.
 */
// The library's default algorithm is argon2id (a test checks the stored hash says so).
const PARAMETERS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const MIN_PASSWORD_LENGTH = 10;

export function hashPassword(password: string): Promise<string> {
  return hash(password, PARAMETERS);
}

export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

/** Compared against when the user does not exist, so that timing does not reveal which e-mails exist. */
export const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$9DMJnmSRufkskB6yOMXLDg$3ZLk4TWBLTD8qLpA0jsLO5JvESmEK4Wg5wt6fnSgbiU';
