import * as oidc from 'openid-client';
import { AppError } from '../../shared/app-error.js';
import type { Logger } from '../../shared/logger.js';
import type { OidcConfig } from './oidc-config.js';

/** The secrets one sign-in keeps between the redirect to the provider and the way back. */
export interface SignInChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** Seconds any one call to the provider may take. */
const TIMEOUT_SECONDS = 10;

/**
 * The spec's default is client_secret_basic; a provider that lists only client_secret_post gets
 * that instead, so no setting is needed for either kind (Keycloak and Okta take both).
 */
const clientAuth = (secret: string): oidc.ClientAuth => (as, client, body, headers) => {
  const methods = as.token_endpoint_auth_methods_supported;
  const postOnly = methods !== undefined && !methods.includes('client_secret_basic') && methods.includes('client_secret_post');
  (postOnly ? oidc.ClientSecretPost(secret) : oidc.ClientSecretBasic(secret))(as, client, body, headers);
};

const unreachable = (issuer: string, cause: unknown) =>
  new AppError('unavailable', `The sign-in provider (${issuer}) cannot be reached right now; try again in a minute, or log in with your password.`, { cause, details: { retryAfterSeconds: 30 } });

const misconfigured = (issuer: string, cause: unknown) =>
  new AppError('unavailable', `Single sign-on is not working: ${issuer} did not answer as an OpenID provider (${cause instanceof Error ? cause.message : String(cause)}). An administrator should check MCP_OIDC_ISSUER; meanwhile, log in with your password.`, { cause, details: { retryAfterSeconds: 30 } });

/** A provider answering 5xx is down for now; any other wrong answer to discovery is a wrong setting. */
const serverFailed = (error: unknown) => error instanceof oidc.ClientError && error.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' && error.cause instanceof Response && error.cause.status >= 500;

/** fetch's own failure (refused, reset, DNS) or its timeout; not the library's TypeErrors about its arguments, which have a code. */
const isNetworkFailure = (error: unknown) =>
  (error instanceof TypeError && !('code' in error)) || (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError'));

/** An answer of the provider's, as something the person at the browser can act on. */
function asAppError(issuer: string, error: unknown): AppError {
  if (isNetworkFailure(error)) return unreachable(issuer, error);
  if (error instanceof oidc.AuthorizationResponseError) {
    const why = error.error_description ? `${error.error}: ${error.error_description}` : error.error;
    return new AppError(error.error === 'access_denied' ? 'forbidden' : 'unauthorized', `The sign-in provider did not sign you in (${why}). Start again from the console.`, { cause: error });
  }
  if (error instanceof oidc.ResponseBodyError) {
    if (error.status >= 500) return unreachable(issuer, error);
    return new AppError('unauthorized', `The sign-in provider refused the sign-in (${error.error}); it may have expired. Start again from the console.`, { cause: error });
  }
  if (serverFailed(error)) return unreachable(issuer, error);
  return new AppError('unauthorized', `The sign-in provider's answer did not pass the checks (${error instanceof Error ? error.message : String(error)}). Start again from the console.`, { cause: error });
}

/**
 * The relying party, on openid-client: the provider's metadata is discovered once (retried on
 * the next sign-in while it fails, so a provider that is down at start does not stop the server),
 * and the callback's state, nonce, PKCE verifier and ID token are checked by the library.
 */
export function createOidcClient(config: OidcConfig, logger: Logger) {
  const issuer = new URL(config.issuer);
  let discovered: Promise<oidc.Configuration> | null = null;

  function configuration(): Promise<oidc.Configuration> {
    discovered ??= oidc
      .discovery(issuer, config.clientId, config.clientSecret, config.clientSecret ? clientAuth(config.clientSecret) : oidc.None(), {
        timeout: TIMEOUT_SECONDS,
        // Plain http is only accepted for a provider on this machine (oidc-config.ts).
        execute: issuer.protocol === 'http:' ? [oidc.allowInsecureRequests] : [],
      })
      .catch((error: unknown) => {
        discovered = null;
        logger.warn({ err: error, issuer: config.issuer }, 'sso: the OpenID provider could not be discovered; SSO sign-ins fail until it can');
        throw isNetworkFailure(error) || serverFailed(error) ? unreachable(config.issuer, error) : misconfigured(config.issuer, error);
      });
    return discovered;
  }

  return {
    /** Discovers the provider ahead of the first sign-in; a failure is logged, not thrown. */
    warmUp(): void {
      void configuration().catch(() => undefined);
    },

    async authorizationUrl(checks: SignInChecks): Promise<string> {
      const server = await configuration();
      return oidc.buildAuthorizationUrl(server, {
        redirect_uri: config.redirectUrl,
        scope: config.scopes,
        state: checks.state,
        nonce: checks.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: 'S256',
      }).href;
    },

    /** The claims of the signed-in person: the ID token's, completed from UserInfo when it lacks some. */
    async signedIn(callbackUrl: URL, checks: SignInChecks): Promise<Record<string, unknown>> {
      const server = await configuration();
      try {
        const tokens = await oidc.authorizationCodeGrant(server, callbackUrl, { expectedState: checks.state, expectedNonce: checks.nonce, pkceCodeVerifier: checks.codeVerifier, idTokenExpected: true });
        const claims: Record<string, unknown> = { ...tokens.claims() };
        // Providers that issue an access token often keep profile claims for UserInfo (oidc-provider does).
        if (claims[config.emailClaim] !== undefined || !tokens.access_token) return claims;
        return { ...(await oidc.fetchUserInfo(server, tokens.access_token, String(claims.sub))), ...claims };
      } catch (error) {
        throw asAppError(config.issuer, error);
      }
    },
  };
}

export type OidcClient = ReturnType<typeof createOidcClient>;
export const randomChecks = (): SignInChecks => ({ state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() });
