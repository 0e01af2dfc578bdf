import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { emailFromClaims } from './oidc-identity.js';

const problemsOf = (env: Record<string, string>) => {
  const result = loadConfig(env);
  return result.ok ? [] : result.problems;
};

describe('SSO configuration (MCP_OIDC_*)', () => {
  it('is off by default', () => {
    const result = loadConfig({});
    expect(result.ok && result.config.security.oidc).toBeNull();
  });

  it('defaults the callback to PUBLIC_URL and the scopes to openid email profile', () => {
    const result = loadConfig({ PUBLIC_URL: 'https://bots.example.com', MCP_OIDC_ISSUER: 'https://sso.example.com/realms/acme', MCP_OIDC_CLIENT_ID: 'console' });
    expect(result.ok && result.config.security.oidc).toEqual({
      issuer: 'https://sso.example.com/realms/acme',
      clientId: 'console',
      clientSecret: undefined,
      redirectUrl: 'https://bots.example.com/v1/auth/oidc/callback',
      scopes: 'openid email profile',
      emailClaim: 'email',
      allowedDomains: [],
      provisioning: null,
    });
  });

  it('reports every missing or contradictory setting at once, naming the variable', () => {
    expect(problemsOf({ MCP_OIDC_ISSUER: 'http://sso.example.com', MCP_OIDC_SCOPES: 'email' })).toEqual([
      'MCP_OIDC_ISSUER: must be an https:// URL (plain http is accepted for localhost only)',
      'MCP_OIDC_CLIENT_ID: required with MCP_OIDC_ISSUER (the client id the identity provider gave the console)',
      expect.stringMatching(/^MCP_OIDC_REDIRECT_URL: set it, or PUBLIC_URL/),
      "MCP_OIDC_SCOPES: must include 'openid'",
    ]);
    expect(problemsOf({ MCP_OIDC_CLIENT_ID: 'console' })).toEqual([expect.stringMatching(/^MCP_OIDC_ISSUER: required when other MCP_OIDC_\* variables are set/)]);
  });

  it('provisions only with a role below owner, listed workspaces and allowed domains', () => {
    const base = { MCP_OIDC_ISSUER: 'http://localhost:8080/realms/dev', MCP_OIDC_CLIENT_ID: 'console', MCP_OIDC_REDIRECT_URL: 'http://localhost:3000/v1/auth/oidc/callback' };
    expect(problemsOf({ ...base, MCP_OIDC_DEFAULT_ROLE: 'owner', MCP_OIDC_PROVISION_WORKSPACES: 'acme', MCP_OIDC_ALLOWED_DOMAINS: 'acme.com' })).toEqual([expect.stringMatching(/^MCP_OIDC_DEFAULT_ROLE: must be one of admin, editor, analyst, agent/)]);
    expect(problemsOf({ ...base, MCP_OIDC_DEFAULT_ROLE: 'agent' })).toEqual([expect.stringMatching(/^MCP_OIDC_PROVISION_WORKSPACES/), expect.stringMatching(/^MCP_OIDC_ALLOWED_DOMAINS/)]);
    expect(problemsOf({ ...base, MCP_OIDC_PROVISION_WORKSPACES: 'acme' })).toEqual([expect.stringMatching(/^MCP_OIDC_DEFAULT_ROLE: required/)]);
    const ok = loadConfig({ ...base, MCP_OIDC_DEFAULT_ROLE: 'agent', MCP_OIDC_PROVISION_WORKSPACES: 'acme', MCP_OIDC_ALLOWED_DOMAINS: '@ACME.com' });
    expect(ok.ok && ok.config.security.oidc).toMatchObject({ allowedDomains: ['acme.com'], provisioning: { role: 'agent', workspaces: ['acme'] } });
  });
});

describe('the e-mail of a signed-in identity', () => {
  const config = { emailClaim: 'email', allowedDomains: ['acme.com'] };

  it('is the claim, lower-cased, when verified and in an allowed domain', () => {
    expect(emailFromClaims({ email: 'Ann@Acme.com', email_verified: true }, config)).toBe('ann@acme.com');
    expect(emailFromClaims({ upn: 'ann@acme.com' }, { ...config, emailClaim: 'upn' })).toBe('ann@acme.com');
  });

  it('is refused when missing, unverified or outside the domains, saying what to do', () => {
    expect(() => emailFromClaims({ sub: '1' }, config)).toThrow(/did not give an e-mail address in the 'email' claim/);
    expect(() => emailFromClaims({ email: 'ann@acme.com', email_verified: false }, config)).toThrow(/has not verified ann@acme.com/);
    expect(() => emailFromClaims({ email: 'ann@evil.test' }, config)).toThrow(/evil.test may not sign in here with SSO; use an address at acme.com/);
  });
});

describe("the README's SSO example", () => {
  it('is a configuration the engine starts with', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const block = /<!-- walkthrough:sso-env -->\s*\n```bash\n([\s\S]*?)\n```/.exec(readme)?.[1] ?? '';
    const env = Object.fromEntries(block.split('\n').map((line) => line.replace(/\s+#.*$/, '').split('=') as [string, string]));
    const loaded = loadConfig(env);
    expect(loaded.ok ? [] : loaded.problems).toEqual([]);
    expect(loaded.ok && loaded.config.security.oidc).toMatchObject({ issuer: 'https://sso.example.com/realms/acme', provisioning: { role: 'agent', workspaces: ['support'] } });
  });
});
