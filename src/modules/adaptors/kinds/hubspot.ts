import { z } from 'zod';
import type { OperationInfo } from '../contract.js';
import { defineIntegrationKind } from './define-kind.js';
import { createHttpIntegration } from './http/http-integration.js';
import type { HttpConfig } from './http/http-schema.js';

/** HubSpot CRM (API v3) as a preset of the `http` kind: the builder pastes a private app token. */
const configSchema = z.strictObject({
  baseUrl: z.url({ protocol: /^https?$/ }).default('https://api.hubapi.com'),
  /** Pipeline and stage new tickets start in ('0' and '1' are HubSpot's default support pipeline). */
  ticketPipeline: z.string().min(1).max(100).default('0'),
  ticketStage: z.string().min(1).max(100).default('1'),
});
const secretsSchema = z.strictObject({ accessToken: z.string().min(1).optional() });

const operations: OperationInfo[] = [
  { name: 'find_contact', description: 'Find a contact by email: {email} → {id, email, firstName, lastName, phone, matches}', idempotent: true, inputSchema: { type: 'object', required: ['email'] } },
  { name: 'create_ticket', description: 'Open a support ticket: {subject, content?, priority?} → {id, subject}', idempotent: false, inputSchema: { type: 'object', required: ['subject'] } },
];

const first = (field: string) => `body.results[0].properties.${field}`;

function toHttp(config: z.infer<typeof configSchema>): HttpConfig {
  return {
    baseUrl: config.baseUrl,
    auth: { type: 'bearer' },
    testPath: '/crm/v3/objects/contacts?limit=1',
    operations: {
      find_contact: {
        method: 'POST',
        path: '/crm/v3/objects/contacts/search',
        // A search changes nothing, so it is safe to retry although it is a POST.
        idempotent: true,
        required: ['email'],
        body: {
          filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: '{{ input.email }}' }] }],
          properties: ['email', 'firstname', 'lastname', 'phone'],
          limit: 1,
        },
        output: { id: 'body.results[0].id', email: first('email'), firstName: first('firstname'), lastName: first('lastname'), phone: first('phone'), matches: 'body.total' },
      },
      create_ticket: {
        method: 'POST',
        path: '/crm/v3/objects/tickets',
        idempotent: false,
        required: ['subject'],
        body: {
          properties: {
            subject: '{{ input.subject }}',
            content: '{{ input.content | default: "" }}',
            hs_ticket_priority: '{{ input.priority | default: "MEDIUM" }}',
            hs_pipeline: config.ticketPipeline,
            hs_pipeline_stage: config.ticketStage,
          },
        },
        output: { id: 'body.id', subject: 'body.properties.subject' },
      },
    },
  };
}

export const hubspotKind = defineIntegrationKind({
  id: 'hubspot',
  title: 'HubSpot CRM',
  description: 'Find contacts and open tickets in HubSpot. Create a private app with CRM contacts and tickets scopes and paste its access token.',
  configSchema,
  secretsSchema,
  operations,
  problems: (_config, secrets) => (secrets.accessToken ? [] : ["HubSpot needs the secret 'accessToken' (a private app token)"]),
  destinations: (config) => [{ path: 'config.baseUrl', url: config.baseUrl }],
  create: (caps, config, secrets) => createHttpIntegration(caps, toHttp(config), secrets.accessToken ? { token: secrets.accessToken } : {}),
});
