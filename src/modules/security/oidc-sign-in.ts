import { AppError, isAppError } from '../../shared/app-error.js';
import type { Clock } from '../../shared/clock.js';
import type { Ids } from '../../shared/ids.js';
import type { Kv, Sql } from '../storage/contract.js';
import { hashApiKey } from './api-key-secret.js';
import type { AuditLog } from './audit.js';
import { tenantSlugSchema, type RequestOrigin, type Session, type SsoFinish, type SsoStart } from './contract.js';
import { randomChecks, type OidcClient, type SignInChecks } from './oidc-client.js';
import type { OidcConfig } from './oidc-config.js';
import { emailFromClaims, memberFor } from './oidc-identity.js';
import type { Sessions } from './sessions.js';
import type { TenantStore } from './tenants.js';
import { scopedToken, tenantOfToken, type UserStore } from './users.js';

/** How long someone may take at the provider's sign-in page. */
const FLOW_TTL_MS = 10 * 60_000;
/** How long the console has to pick up the session after the provider sent the browser back. */
const HANDOFF_TTL_MS = 60_000;

interface FlowState extends SignInChecks {
  workspace: string;
  expiresAt: number;
}

const restart = (why: string) => new AppError('bad_request', `${why} Start again from the console's sign-in page.`);
const noFlow = () => restart('This sign-in is not known in this browser: it expired, was already used, or was started in another browser.');

/**
 * The authorization code flow of a console sign-in. `start` keeps the state, nonce and PKCE
 * verifier under a random flow id that only the browser's cookie holds (so a callback cannot be
 * completed in another browser); `finish` checks them, maps the identity to a member of the
 * workspace chosen at the start and hands the browser a one-time code; `redeem` trades that code,
 * from the same browser, for the same session a password login gets. Every step works once.
 */
export function createOidcSignIn(deps: {
  sql: Sql;
  kv: Kv;
  ids: Ids;
  clock: Clock;
  users: UserStore;
  tenants: TenantStore;
  sessions: Sessions;
  audit: AuditLog;
  client: OidcClient;
  config: OidcConfig;
}) {
  const { kv, ids, clock, config } = deps;
  const flowKey = (workspace: string, flowId: string) => `sso:flow:${workspace}:${hashApiKey(flowId)}`;
  const handoffKey = (tenantId: string, handoff: string) => `sso:handoff:${tenantId}:${hashApiKey(handoff)}`;
  /** Single use across instances: only the first to mark a key gets to use what it holds. */
  const claimOnce = (key: string, ttlMs: number) => kv.set(`${key}:used`, '1', { ttlMs, ifAbsent: true });

  async function takeFlow(flow: string | undefined): Promise<FlowState> {
    const [workspace = '', flowId = ''] = flow?.split('.') ?? [];
    if (!tenantSlugSchema.safeParse(workspace).success || flowId.length < 20) throw noFlow();
    const stored = await kv.get(flowKey(workspace, flowId));
    if (!stored || !(await claimOnce(flowKey(workspace, flowId), FLOW_TTL_MS))) throw noFlow();
    const state = JSON.parse(stored) as FlowState;
    if (state.expiresAt <= clock.now()) throw restart('This sign-in took too long and has expired.');
    return state;
  }

  async function member(flow: FlowState, claims: Record<string, unknown>, origin: RequestOrigin): Promise<{ tenantId: string; userId: string }> {
    const email = emailFromClaims(claims, config);
    const tenant = await deps.tenants.getBySlug(flow.workspace);
    if (tenant?.status !== 'active') throw new AppError('forbidden', `${email} is not a member of the workspace '${flow.workspace}'. Check its name, or ask one of its owners or admins to invite you.`);
    const name = typeof claims.name === 'string' ? claims.name.slice(0, 200) : null;
    try {
      const { user, provisioned } = await deps.sql.withTenant(tenant.id, (tx) =>
        memberFor(tx, { users: deps.users, provisioning: config.provisioning }, { tenantId: tenant.id, workspace: flow.workspace, email, name }),
      );
      if (provisioned) await deps.audit.record(tenant.id, null, { action: 'user.provisioned', target: user.id, details: { email, role: user.role, via: 'sso' } }, origin);
      return { tenantId: tenant.id, userId: user.id };
    } catch (error) {
      if (isAppError(error) && error.code === 'forbidden') {
        await deps.audit.record(tenant.id, null, { action: 'auth.sso_refused', details: { email, reason: error.message } }, origin);
      }
      throw error;
    }
  }

  return {
    async start(workspace: string): Promise<SsoStart> {
      const checks = randomChecks();
      const authorizationUrl = await deps.client.authorizationUrl(checks);
      const flowId = ids.token(24);
      const state: FlowState = { ...checks, workspace, expiresAt: clock.now() + FLOW_TTL_MS };
      await kv.set(flowKey(workspace, flowId), JSON.stringify(state), { ttlMs: FLOW_TTL_MS });
      return { authorizationUrl, flow: `${workspace}.${flowId}`, maxAgeSeconds: FLOW_TTL_MS / 1000 };
    },

    async finish(input: { flow: string | undefined; query: string; origin: RequestOrigin }): Promise<SsoFinish> {
      const flow = await takeFlow(input.flow);
      const callbackUrl = new URL(config.redirectUrl);
      callbackUrl.search = input.query;
      if (callbackUrl.searchParams.get('state') !== flow.state) {
        throw restart('The answer of the sign-in provider does not belong to the sign-in this browser started.');
      }
      const claims = await deps.client.signedIn(callbackUrl, flow);
      const { tenantId, userId } = await member(flow, claims, input.origin);
      const handoff = scopedToken(tenantId, ids.token(32));
      await kv.set(handoffKey(tenantId, handoff), JSON.stringify({ userId, flow: hashApiKey(input.flow ?? '') }), { ttlMs: HANDOFF_TTL_MS });
      return { handoff };
    },

    async redeem(input: { handoff: string; flow: string | undefined }): Promise<Session> {
      const invalid = () => new AppError('unauthorized', 'This sign-in was already used or has expired; sign in again.');
      const tenantId = tenantOfToken(input.handoff);
      if (!tenantId) throw invalid();
      const key = handoffKey(tenantId, input.handoff);
      const stored = await kv.get(key);
      const handed = stored ? (JSON.parse(stored) as { userId: string; flow: string }) : null;
      if (!handed || handed.flow !== hashApiKey(input.flow ?? '') || !(await claimOnce(key, HANDOFF_TTL_MS))) throw invalid();
      return deps.sessions.startFor(tenantId, handed.userId);
    },
  };
}

export type OidcSignIn = ReturnType<typeof createOidcSignIn>;
