import { z } from 'zod';
import type { Permission } from './permissions.js';

export { PERMISSIONS, ROLES, ROLE_PERMISSIONS, type Permission, type Role } from './permissions.js';

export const tenantSlugSchema = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,48}[a-z0-9])?$/, 'use 1–50 lowercase letters, digits and dashes');

export const createTenantSchema = z.object({
  slug: tenantSlugSchema,
  name: z.string().trim().min(1).max(200),
});
export type CreateTenantInput = z.infer<typeof createTenantSchema>;

export interface Tenant {
  id: string;
  slug: string;
  name: string;
  status: 'active' | 'suspended';
  /** Public key that the web chat widget presents; it grants chatting only, nothing else. */
  widgetKey: string;
  createdAt: string;
}

export interface ApiKeyInfo {
  id: string;
  tenantId: string;
  name: string;
  /** The visible start of the key, so people can tell keys apart without the secret. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

/** Who is calling. The tenant always comes from the credential, never from the request body. */
export interface Principal {
  tenantId: string;
  kind: 'api_key';
  keyId: string;
  permissions: readonly Permission[];
}

export interface Security {
  createTenant(input: CreateTenantInput): Promise<Tenant>;
  getTenant(tenantId: string): Promise<Tenant | null>;
  getTenantBySlug(slug: string): Promise<Tenant | null>;
  /** The active tenant a web chat widget key belongs to. */
  getTenantByWidgetKey(widgetKey: string): Promise<Tenant | null>;
  /** Creates a key; the secret is returned here once and only its hash is stored. */
  createApiKey(tenantId: string, input: { name: string; secret?: string }): Promise<{ key: ApiKeyInfo; secret: string }>;
  /** Resolves a bearer secret to its principal, or null when unknown, revoked or the tenant is suspended. */
  authenticate(secret: string): Promise<Principal | null>;
}

/** Encryption of credentials at rest. `context` (e.g. `tenantId:integration:name`) must match on decrypt. */
export interface Secrets {
  readonly currentKeyId: string;
  encrypt(plaintext: string, context: string): string;
  decrypt(ciphertext: string, context: string): string;
  /** The id of the master key that sealed a value, to find values that need re-sealing after a rotation. */
  keyIdOf(ciphertext: string): string | null;
}
