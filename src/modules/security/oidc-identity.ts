import { AppError } from '../../shared/app-error.js';
import type { SqlExecutor } from '../storage/contract.js';
import type { OidcConfig } from './oidc-config.js';
import type { UserRow, UserStore } from './users.js';

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * The e-mail address the provider vouches for, as a workspace knows people. A provider that says
 * the address is unverified is not believed: anyone could have typed it into their profile.
 */
export function emailFromClaims(claims: Record<string, unknown>, config: Pick<OidcConfig, 'emailClaim' | 'allowedDomains'>): string {
  const value = claims[config.emailClaim];
  if (typeof value !== 'string' || !EMAIL.test(value)) {
    throw new AppError('forbidden', `The sign-in provider did not give an e-mail address in the '${config.emailClaim}' claim; ask your administrator to release it to this application (or set MCP_OIDC_EMAIL_CLAIM).`);
  }
  const email = value.toLowerCase();
  if (claims.email_verified === false && config.emailClaim === 'email') {
    throw new AppError('forbidden', `The sign-in provider has not verified ${email}; verify it there, then sign in again.`);
  }
  const domain = email.slice(email.lastIndexOf('@') + 1);
  if (config.allowedDomains.length > 0 && !config.allowedDomains.includes(domain)) {
    throw new AppError('forbidden', `Addresses at ${domain} may not sign in here with SSO; use an address at ${config.allowedDomains.join(' or ')}.`);
  }
  return email;
}

export interface Member {
  user: UserRow;
  /** Created by this sign-in (auto-provisioning). */
  provisioned: boolean;
}

/**
 * The workspace member a signed-in identity is: the person with that e-mail in this workspace and
 * no other. Someone invited signs in as themselves (the provider proved the address); someone
 * unknown is added only where the deployment allows it, with its default role.
 */
export async function memberFor(
  tx: SqlExecutor,
  deps: { users: UserStore; provisioning: OidcConfig['provisioning'] },
  identity: { tenantId: string; workspace: string; email: string; name: string | null },
): Promise<Member> {
  const { users, provisioning } = deps;
  const existing = await users.byEmail(tx, identity.tenantId, identity.email);
  if (existing?.status === 'disabled') {
    throw new AppError('forbidden', `Your account (${identity.email}) is disabled in the workspace '${identity.workspace}'; ask one of its owners or admins.`);
  }
  if (existing?.status === 'invited') return { user: await users.activateInvited(tx, identity.tenantId, existing.id), provisioned: false };
  if (existing) return { user: existing, provisioned: false };
  if (provisioning?.workspaces.includes(identity.workspace)) {
    return { user: await users.provision(tx, identity.tenantId, { email: identity.email, name: identity.name, role: provisioning.role }), provisioned: true };
  }
  throw new AppError('forbidden', `${identity.email} is not a member of the workspace '${identity.workspace}'. Ask one of its owners or admins to invite you, then sign in again.`);
}
