import { z } from 'zod';
import { AppError } from '../../../shared/app-error.js';
import { createTenantSchema, newPasswordSchema, ROLES, type Security, tenantSchema, updateTenantSchema, userSchema } from '../../security/contract.js';
import type { Api } from '../api.js';
import { listOf, responses } from '../responses.js';

const params = z.object({ tenantId: z.string().min(1).max(100) });
const tags = ['tenants (platform)'];
/** The new tenant with its first owner, or (without an owner) the secret of its first API key, shown this once. */
const createdTenant = z.object({ tenant: tenantSchema, owner: userSchema.nullable(), apiKey: z.string().nullable() });
const createSchema = createTenantSchema.extend({
  /** The first owner; an API key is returned when omitted. */
  owner: z.object({ email: z.email(), password: newPasswordSchema, name: z.string().max(200).optional() }).optional(),
});

/** Platform administration: only the platform admin key carries `platform:admin`. */
export function tenantRoutes(app: Api, deps: { security: Security }): void {
  const { security } = deps;
  const found = async (tenantId: string) => {
    const tenant = await security.getTenant(tenantId);
    if (!tenant) throw new AppError('not_found', `No tenant with id '${tenantId}'.`);
    return tenant;
  };

  app.get('/tenants', { config: { permission: 'platform:admin' }, schema: { summary: 'All tenants', tags, response: responses({ 200: listOf('tenants', tenantSchema) }) } }, async () => ({ tenants: await security.listTenants() }));

  app.post('/tenants', { config: { permission: 'platform:admin' }, schema: { summary: 'Create a tenant with its first owner or API key', tags, body: createSchema, response: responses({ 201: createdTenant }) } }, async (request, reply) => {
    const tenant = await security.createTenant(request.body);
    const owner = request.body.owner
      ? await security.createUser(tenant.id, { email: request.body.owner.email, password: request.body.owner.password, name: request.body.owner.name, role: ROLES[0] })
      : null;
    const apiKey = owner ? null : (await security.createApiKey(tenant.id, { name: 'admin' })).secret;
    await security.audit(tenant.id, request.principal ?? null, { action: 'tenant.create', target: tenant.id });
    return reply.status(201).send({ tenant, owner, apiKey });
  });

  app.get('/tenants/:tenantId', { config: { permission: 'platform:admin' }, schema: { summary: 'One tenant', tags, params, response: responses({ 200: tenantSchema }) } }, async (request) => found(request.params.tenantId));

  app.patch('/tenants/:tenantId', { config: { permission: 'platform:admin' }, schema: { summary: 'Rename, suspend or reactivate, set quotas', tags, params, body: updateTenantSchema, response: responses({ 200: tenantSchema }) } }, async (request) => {
    const tenant = await security.updateTenant(request.params.tenantId, request.body);
    await security.audit(tenant.id, request.principal ?? null, { action: 'tenant.update', target: tenant.id, details: request.body });
    return tenant;
  });

  app.delete('/tenants/:tenantId', { config: { permission: 'platform:admin' }, schema: { summary: 'Delete a tenant and all of its data', tags, params, response: responses({ 200: z.object({ deleted: z.boolean() }) }) } }, async (request) => {
    await security.deleteTenant(request.params.tenantId);
    return { deleted: true };
  });
}
