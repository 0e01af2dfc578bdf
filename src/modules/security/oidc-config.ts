import { ROLES, type Role } from './permissions.js';

/** Single sign-on to the console through one OpenID Connect provider per deployment. */
export interface OidcConfig {
  issuer: string;
  clientId: string;
  /** Unset for a public client (PKCE alone); most providers give the console a confidential client. */
  clientSecret: string | undefined;
  /** Where the provider sends browsers back: this server's /v1/auth/oidc/callback. */
  redirectUrl: string;
  scopes: string;
  /** The claim that holds the e-mail address people are known by in a workspace. */
  emailClaim: string;
  /** Lower-case e-mail domains admitted; empty admits any. */
  allowedDomains: string[];
  /** Unknown people become members with this role, in the workspaces listed only; null: never. */
  provisioning: { role: Exclude<Role, 'owner'>; workspaces: string[] } | null;
}

/** The MCP_OIDC_* variables as config.ts read them. */
export interface OidcEnv {
  issuer: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
  redirectUrl: string | undefined;
  publicUrl: string | undefined;
  scopes: string;
  emailClaim: string;
  allowedDomains: string[];
  defaultRole: string | undefined;
  provisionWorkspaces: string[];
}

export type OidcConfigResult = { ok: true; config: OidcConfig | null } | { ok: false; problems: string[] };

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const PROVISION_ROLES = ROLES.filter((role): role is Exclude<Role, 'owner'> => role !== 'owner');

/** The problems of an issuer URL; plain http only for a provider on this machine (development). */
function issuerProblem(issuer: string): string | null {
  const url = new URL(issuer);
  if (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname))) return null;
  return 'MCP_OIDC_ISSUER: must be an https:// URL (plain http is accepted for localhost only)';
}

/**
 * SSO is off unless MCP_OIDC_ISSUER is set. Every missing or contradictory setting is reported at
 * once, naming the variable and the fix, so that a deployment does not start half-configured.
 */
export function resolveOidcConfig(env: OidcEnv): OidcConfigResult {
  const others = env.clientId ?? env.clientSecret ?? env.redirectUrl ?? env.defaultRole ?? env.provisionWorkspaces[0] ?? env.allowedDomains[0];
  if (!env.issuer) {
    return others === undefined ? { ok: true, config: null } : { ok: false, problems: ['MCP_OIDC_ISSUER: required when other MCP_OIDC_* variables are set (it turns SSO on)'] };
  }
  const problems: string[] = [];
  const issuer = issuerProblem(env.issuer);
  if (issuer) problems.push(issuer);
  if (!env.clientId) problems.push('MCP_OIDC_CLIENT_ID: required with MCP_OIDC_ISSUER (the client id the identity provider gave the console)');
  const base = env.redirectUrl ?? (env.publicUrl ? new URL('v1/auth/oidc/callback', env.publicUrl.endsWith('/') ? env.publicUrl : `${env.publicUrl}/`).href : undefined);
  if (!base) problems.push('MCP_OIDC_REDIRECT_URL: set it, or PUBLIC_URL, to the address browsers reach this server at (the identity provider sends them back to <PUBLIC_URL>/v1/auth/oidc/callback)');
  if (!env.scopes.split(/[\s,]+/).includes('openid')) problems.push("MCP_OIDC_SCOPES: must include 'openid'");
  const role = env.defaultRole as Exclude<Role, 'owner'> | undefined;
  if (role !== undefined && !PROVISION_ROLES.includes(role)) problems.push(`MCP_OIDC_DEFAULT_ROLE: must be one of ${PROVISION_ROLES.join(', ')} (owners are never created by sign-in)`);
  if (role !== undefined && env.provisionWorkspaces.length === 0) problems.push('MCP_OIDC_PROVISION_WORKSPACES: list the workspaces (slugs) that add unknown people with MCP_OIDC_DEFAULT_ROLE');
  if (role === undefined && env.provisionWorkspaces.length > 0) problems.push('MCP_OIDC_DEFAULT_ROLE: required with MCP_OIDC_PROVISION_WORKSPACES (the role new people get)');
  if (role !== undefined && env.allowedDomains.length === 0) problems.push('MCP_OIDC_ALLOWED_DOMAINS: required with MCP_OIDC_DEFAULT_ROLE, so that only your organisation’s addresses become members');
  if (problems.length > 0 || !base || !env.clientId) return { ok: false, problems };
  return {
    ok: true,
    config: {
      issuer: env.issuer,
      clientId: env.clientId,
      clientSecret: env.clientSecret,
      redirectUrl: base,
      scopes: env.scopes.split(/[\s,]+/).filter(Boolean).join(' '),
      emailClaim: env.emailClaim,
      allowedDomains: env.allowedDomains.map((d) => d.toLowerCase().replace(/^@/, '')),
      provisioning: role ? { role, workspaces: env.provisionWorkspaces } : null,
    },
  };
}
