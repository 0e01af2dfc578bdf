import { createHmac } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import type { Clock } from '../../shared/clock.js';

export interface AccessClaims {
  userId: string;
  tenantId: string;
  /** The user's token version when the token was issued; logout and password change bump it. */
  version: number;
  /** The login session (refresh token family) it was issued in; tokens issued before families existed have none. */
  sessionId?: string;
}

const ISSUER = 'mcp-engine';
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export const looksLikeJwt = (token: string): boolean => JWT_SHAPE.test(token);

/** Short-lived HS256 access tokens (jose). The signing key is derived from the master key. */
export function createAccessTokens(deps: { masterKey: Buffer; clock: Clock; ttlSeconds: number }) {
  const key = createHmac('sha256', deps.masterKey).update('mcp-engine access tokens v1').digest();
  const nowSeconds = () => Math.floor(deps.clock.now() / 1000);

  return {
    ttlSeconds: deps.ttlSeconds,
    async issue(claims: AccessClaims): Promise<string> {
      const now = nowSeconds();
      return new SignJWT({ tid: claims.tenantId, ver: claims.version, ...(claims.sessionId ? { sid: claims.sessionId } : {}) })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(ISSUER)
        .setSubject(claims.userId)
        .setIssuedAt(now)
        .setExpirationTime(now + deps.ttlSeconds)
        .sign(key);
    },
    /** The claims of a valid, unexpired token; null for anything else. */
    async verify(token: string): Promise<AccessClaims | null> {
      try {
        const { payload } = await jwtVerify(token, key, { issuer: ISSUER, algorithms: ['HS256'], currentDate: new Date(deps.clock.now()) });
        if (typeof payload.sub !== 'string' || typeof payload.tid !== 'string' || typeof payload.ver !== 'number') return null;
        return { userId: payload.sub, tenantId: payload.tid, version: payload.ver, ...(typeof payload.sid === 'string' ? { sessionId: payload.sid } : {}) };
      } catch (error) {
        if (error instanceof errors.JOSEError) return null;
        throw error;
      }
    },
  };
}

export type AccessTokens = ReturnType<typeof createAccessTokens>;
