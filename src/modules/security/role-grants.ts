import { AppError } from '../../shared/app-error.js';
import type { Principal } from './contract.js';
import { ROLE_PERMISSIONS, type Role } from './permissions.js';

/**
 * Who may give, change or take away a role. Managing people (`users:write`) is not enough to make
 * an owner, or anyone the manager could not be:
 * - a role may only be given by someone holding every permission it carries (an admin can make
 *   admins and below; a key scoped to `users:write` alone can make nobody);
 * - owners are made, changed and removed by owners only, and never by an API key: a key is not a
 *   person, and a leaked key must not be able to take a workspace over;
 * - nobody changes a person whose role they could not give (an admin cannot demote an owner).
 */
export function assertMayGrant(actor: Principal, role: Role, verb: 'give' | 'change'): void {
  if (role === 'owner') {
    if (actor.kind === 'api_key') {
      throw new AppError('forbidden', `An API key cannot ${verb === 'give' ? 'make an owner' : "change or remove an owner's role"}; an owner must do it, logged in.`);
    }
    if (actor.kind !== 'user' || actor.role !== 'owner') {
      throw new AppError('forbidden', `Only owners can ${verb === 'give' ? 'make an owner' : 'change or disable an owner'}.`);
    }
    return;
  }
  const missing = ROLE_PERMISSIONS[role].filter((p) => !actor.permissions.includes(p));
  if (missing.length > 0) {
    const what = verb === 'give' ? `give the '${role}' role` : `change someone who is '${role}'`;
    throw new AppError('forbidden', `You cannot ${what}: it carries permissions you lack (${missing.join(', ')}).`);
  }
}

/** A role change or a status change of a person whose role is `current`, by `actor`. */
export function assertMayUpdate(actor: Principal, current: Role, next: Role | undefined): void {
  assertMayGrant(actor, current, 'change');
  if (next !== undefined && next !== current) assertMayGrant(actor, next, 'give');
}
