import { z } from 'zod';
import { passwordProblem } from './password-strength.js';
import { PERMISSIONS, type Permission, ROLES, type Role } from './permissions.js';

export { PERMISSIONS, ROLES, ROLE_PERMISSIONS, type Permission, type Role } from './permissions.js';

export const tenantSlugSchema = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$/, 'use 1–50 lowercase letters, digits and dashes');

export const createTenantSchema = z.object({
  slug: tenantSlugSchema,
  name: z.string().trim().min(1).max(200),
});
export type CreateTenantInput = z.infer<typeof createTenantSchema>;

export const updateTenantSchema = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  status: z.enum(['active', 'suspended']).optional(),
  /** Messages a tenant may send per day (0 = unlimited). */
  dailyMessageQuota: z.number().int().min(0).optional(),
});
export type UpdateTenantInput = z.infer<typeof updateTenantSchema>;

const email = z.email('must be an e-mail address').max(254).transform((e) => e.toLowerCase());
/** A password someone chooses: long enough and hard to guess (password-strength.ts says why not). */
export const newPasswordSchema = z
  .string()
  .max(200)
  .superRefine((value, context) => {
    const problem = passwordProblem(value);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });
const password = newPasswordSchema;

export const loginSchema = z.object({ workspace: tenantSlugSchema, email, password: z.string().min(1).max(200) });
export const refreshSchema = z.object({ refreshToken: z.string().min(20).max(400) });
export const inviteUserSchema = z.object({ email, name: z.string().trim().min(1).max(200).optional(), role: z.enum(ROLES) });
export const acceptInviteSchema = z.object({ token: z.string().min(20).max(400), password, name: z.string().trim().min(1).max(200).optional() });
export const updateUserSchema = z
  .object({ role: z.enum(ROLES).optional(), status: z.enum(['active', 'disabled']).optional() })
  .refine((u) => u.role !== undefined || u.status !== undefined, 'give a role or a status');
export const changePasswordSchema = z.object({ currentPassword: z.string().min(1).max(200), newPassword: password });
export const createApiKeySchema = z.object({
  name: z.string().trim().min(1).max(100),
  /** Permissions the key carries; all of its creator's when omitted. */
  scopes: z.array(z.enum(PERMISSIONS)).min(1).optional(),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
export const auditQuerySchema = z.object({
  action: z.string().max(100).optional(),
  actor: z.string().max(100).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** `?workspace=` of GET /auth/oidc/login: the workspace the person signs in to. */
export const ssoLoginQuerySchema = z.object({ workspace: tenantSlugSchema });
export const ssoRedeemSchema = z.object({ handoff: z.string().min(20).max(400) });

export type LoginInput = z.infer<typeof loginSchema>;
export type InviteUserInput = z.infer<typeof inviteUserSchema>;
export type AcceptInviteInput = z.infer<typeof acceptInviteSchema>;
export type UpdateUserInput = z.infer<typeof updateUserSchema>;
export type ChangePasswordInput = z.infer<typeof changePasswordSchema>;
export type CreateApiKeyInput = z.infer<typeof createApiKeySchema>;
export type AuditQuery = z.infer<typeof auditQuerySchema>;

export const userSchema = z
  .object({
    id: z.string(),
    tenantId: z.string(),
    email: z.string(),
    name: z.string().nullable(),
    role: z.enum(ROLES),
    status: z.enum(['active', 'invited', 'disabled']),
    createdAt: z.string(),
    lastLoginAt: z.string().nullable(),
  })
  .meta({ id: 'User' });
export type User = z.infer<typeof userSchema>;

/** A person after a change, with what the change replaced (for the audit log). */
export interface UserUpdate {
  user: User;
  previous: Pick<User, 'role' | 'status'>;
}

export const sessionSchema = z
  .object({
    accessToken: z.string(),
    /** Seconds until the access token expires; refresh before then. */
    expiresIn: z.number(),
    refreshToken: z.string(),
    user: userSchema,
  })
  .meta({ id: 'Session' });
export type Session = z.infer<typeof sessionSchema>;

/** The way to the provider's sign-in page, and the flow id the browser keeps (in a cookie) until it returns. */
export interface SsoStart {
  authorizationUrl: string;
  flow: string;
  maxAgeSeconds: number;
}

/** A one-time code the console trades, from the same browser, for its session (see Security.redeemSso). */
export interface SsoFinish {
  handoff: string;
}

/** Whether the console offers "Sign in with SSO", and where the provider sends browsers back. */
export interface SsoSettings {
  enabled: boolean;
  callbackUrl: string | null;
}

/** Where a request came from, for the audit log. */
export interface RequestOrigin {
  ip?: string;
  userAgent?: string;
}

export interface AuditEntry {
  action: string;
  target?: string;
  details?: Record<string, unknown>;
}

export const auditRecordSchema = z
  .object({
    id: z.string(),
    at: z.string(),
    action: z.string(),
    target: z.string().optional(),
    details: z.record(z.string(), z.unknown()).optional(),
    actorType: z.enum(['api_key', 'user', 'platform', 'system']),
    actorId: z.string().nullable(),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
  })
  .meta({ id: 'AuditRecord' });
export type AuditRecord = z.infer<typeof auditRecordSchema>;

export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  retryAfterMs: number;
}

export const tenantSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    status: z.enum(['active', 'suspended']),
    /** Public key that the web chat widget presents; it grants chatting only, nothing else. */
    widgetKey: z.string(),
    /** Messages the workspace may receive per day; 0 means unlimited. */
    dailyMessageQuota: z.number(),
    createdAt: z.string(),
  })
  .meta({ id: 'Tenant' });
export type Tenant = z.infer<typeof tenantSchema>;

export const apiKeyInfoSchema = z
  .object({
    id: z.string(),
    tenantId: z.string(),
    name: z.string(),
    scopes: z.array(z.enum(PERMISSIONS)),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    /** The visible start of the key, so people can tell keys apart without the secret. */
    prefix: z.string(),
    /** The user the key answers to: it stops working while they are disabled or gone. */
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiKeyInfo' });
export type ApiKeyInfo = z.infer<typeof apiKeyInfoSchema>;

/** A new key with its secret, shown this once. */
export const createdApiKeySchema = z.object({ key: apiKeyInfoSchema, secret: z.string() }).meta({ id: 'CreatedApiKey' });

/** An invitation: the person, and the token that lets them set a password (shown this once). */
export const invitedUserSchema = z.object({ user: userSchema, inviteToken: z.string() }).meta({ id: 'InvitedUser' });

/** Who a credential belongs to and what it may do (`GET /v1/auth/me`). */
export const credentialInfoSchema = z
  .object({ kind: z.enum(['api_key', 'user', 'platform']), tenantId: z.string().nullable(), role: z.enum(ROLES).nullable(), permissions: z.array(z.enum(PERMISSIONS)) })
  .meta({ id: 'Me' });

/** Who is calling. The tenant always comes from the credential, never from the request body. */
export type Principal =
  /** `createdBy`: the person the key answers to; it works only while they are active, and never beyond their role. */
  | { kind: 'api_key'; tenantId: string; keyId: string; createdBy: string | null; permissions: readonly Permission[] }
  | { kind: 'user'; tenantId: string; userId: string; role: Role; permissions: readonly Permission[] }
  /** The platform operator: manages tenants, belongs to none. */
  | { kind: 'platform'; tenantId: null; permissions: readonly Permission[] };

export interface Security {
  createTenant(input: CreateTenantInput): Promise<Tenant>;
  listTenants(): Promise<Tenant[]>;
  updateTenant(tenantId: string, input: UpdateTenantInput): Promise<Tenant>;
  /** Deletes the tenant and every row of every module that belongs to it. */
  deleteTenant(tenantId: string): Promise<void>;
  getTenant(tenantId: string): Promise<Tenant | null>;
  getTenantBySlug(slug: string): Promise<Tenant | null>;
  /** The active tenant a web chat widget key belongs to. */
  getTenantByWidgetKey(widgetKey: string): Promise<Tenant | null>;

  /** Creates a key; the secret is returned here once and only its hash is stored. */
  /** `createdBy`: the user the key answers to (see Principal); none for keys the platform or set-up makes. */
  createApiKey(tenantId: string, input: CreateApiKeyInput & { secret?: string; createdBy?: string }): Promise<{ key: ApiKeyInfo; secret: string }>;
  listApiKeys(tenantId: string): Promise<ApiKeyInfo[]>;
  revokeApiKey(tenantId: string, keyId: string): Promise<ApiKeyInfo>;
  /** Resolves a bearer credential (API key, access token or platform key) to its principal, or null. */
  authenticate(bearer: string): Promise<Principal | null>;

  login(input: LoginInput): Promise<Session>;
  ssoSettings(): SsoSettings;
  /** Begins a single sign-on (OpenID Connect) to `workspace`; not_found when SSO is off, unavailable when the provider is. */
  startSso(workspace: string): Promise<SsoStart>;
  /** Checks the provider's answer (`query` of the callback) against the flow the browser holds and finds the workspace member. */
  finishSso(input: { flow: string | undefined; query: string; origin: RequestOrigin }): Promise<SsoFinish>;
  /** The session of a finished sign-in, once, for the browser that holds its flow. */
  redeemSso(input: { handoff: string; flow: string | undefined }): Promise<Session>;
  refresh(refreshToken: string): Promise<Session>;
  /** Revokes every token of the user (all devices). */
  logout(tenantId: string, userId: string): Promise<void>;
  changePassword(tenantId: string, userId: string, input: ChangePasswordInput): Promise<void>;
  /** `actor` must be able to give the role (see role-grants.ts); forbidden otherwise. */
  inviteUser(tenantId: string, input: InviteUserInput, actor: Principal): Promise<{ user: User; inviteToken: string }>;
  acceptInvite(input: AcceptInviteInput): Promise<Session>;
  listUsers(tenantId: string): Promise<User[]>;
  /** `actor` must be able to give both the person's current role and the new one; forbidden otherwise. */
  updateUser(tenantId: string, userId: string, input: UpdateUserInput, actor: Principal): Promise<UserUpdate>;
  /** The first owner of a new workspace (bootstrap, platform admin). */
  createUser(tenantId: string, input: { email: string; password: string; role: Role; name?: string }): Promise<User>;

  /** Counts one hit in a fixed window; `allowed: false` once `limit` is exceeded. */
  consumeRateLimit(bucket: string, limit: number, windowMs: number): Promise<RateLimitResult>;
  /** Counts one inbound message against the tenant's daily quota; throws rate_limited past it. */
  consumeMessageQuota(tenantId: string): Promise<void>;

  audit(tenantId: string, actor: Principal | null, entry: AuditEntry, origin?: RequestOrigin): Promise<void>;
  listAudit(tenantId: string, query: AuditQuery): Promise<AuditRecord[]>;
}

/** Encryption of credentials at rest. `context` (e.g. `tenantId:integration:name`) must match on decrypt. */
export interface Secrets {
  readonly currentKeyId: string;
  encrypt(plaintext: string, context: string): string;
  decrypt(ciphertext: string, context: string): string;
  /** The id of the master key that sealed a value, to find values that need re-sealing after a rotation. */
  keyIdOf(ciphertext: string): string | null;
  /** Whether a master key with this id is configured. */
  has(keyId: string): boolean;
}

/** A stored sealed value with the context it was sealed for. */
export interface SealedValue {
  ciphertext: string;
  context: string;
}

/**
 * A module that stores sealed credentials re-seals them under the current master key
 * (`mcp-engine keys rotate`). It returns how many values it re-sealed.
 */
export interface SecretHolder {
  module: string;
  reseal(): Promise<number>;
  /** One stored value per master key id that sealed any, so that a start can check the keys open them. */
  samples(): Promise<SealedValue[]>;
}
