import { randomBytes, randomUUID } from 'node:crypto';

export interface Ids {
  /** A random UUID v4, for rows and turns. */
  uuid(): string;
  /** A URL-safe random token of `bytes` bytes of entropy, for secrets such as API keys. */
  token(bytes?: number): string;
}

export const randomIds: Ids = {
  uuid: () => randomUUID(),
  token: (bytes = 24) => randomBytes(bytes).toString('base64url'),
};
