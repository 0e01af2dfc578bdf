import { z } from 'zod';
import type { OperationInfo } from '../contract.js';
import { defineIntegrationKind } from './define-kind.js';
import { createHttpIntegration } from './http/http-integration.js';
import type { HttpConfig } from './http/http-schema.js';

/** Odoo ERP over its JSON-RPC API (`/jsonrpc`, `execute_kw`), as a preset of the `http` kind. */
const configSchema = z.strictObject({
  baseUrl: z.url({ protocol: /^https?$/ }),
  database: z.string().min(1).max(200),
  /** The numeric id of the API user (Settings → Users). */
  userId: z.number().int().min(1),
  orderModel: z.string().min(1).max(100).default('sale.order'),
});
const secretsSchema = z.strictObject({ apiKey: z.string().min(1).optional() });

const operations: OperationInfo[] = [
  { name: 'order_status', description: 'An order by its reference: {order} → {found, order, state, total, date}', idempotent: true, inputSchema: { type: 'object', required: ['order'] } },
];

const FIELDS = ['name', 'state', 'amount_total', 'date_order'];

/** Where `execute_kw` takes the password: the auth puts the API key there after the body is rendered. */
const KEY_FIELD = ['params', 'args', 2];

function toHttp(config: z.infer<typeof configSchema>): HttpConfig {
  const row = (field: string) => `body.result[0].${field}`;
  return {
    baseUrl: config.baseUrl,
    auth: { type: 'body_field', field: KEY_FIELD },
    operations: {
      order_status: {
        method: 'POST',
        path: '/jsonrpc',
        // JSON-RPC sends reads as POST too; search_read changes nothing.
        idempotent: true,
        required: ['order'],
        body: {
          jsonrpc: '2.0',
          method: 'call',
          id: 1,
          params: {
            service: 'object',
            method: 'execute_kw',
            args: [config.database, config.userId, null, config.orderModel, 'search_read', [[['name', '=', '{{ input.order }}']]], { fields: FIELDS, limit: 1 }],
          },
        },
        // JSON-RPC reports failures inside a 200 answer.
        error: 'body.error.data.message | default: body.error.message',
        output: { found: 'body.result.size', order: row('name'), state: row('state'), total: row('amount_total'), date: row('date_order') },
      },
    },
  };
}

export const odooKind = defineIntegrationKind({
  id: 'odoo',
  title: 'Odoo ERP',
  description: "Look up sales orders in Odoo over JSON-RPC. Create an API key for the API user (Preferences → Account Security) and paste it with the user's id.",
  configSchema,
  secretsSchema,
  operations,
  problems: (_config, secrets) => (secrets.apiKey ? [] : ["Odoo needs the secret 'apiKey'"]),
  destinations: (config) => [{ path: 'config.baseUrl', url: config.baseUrl }],
  create: (caps, config, secrets) => createHttpIntegration(caps, toHttp(config), secrets.apiKey ? { apiKey: secrets.apiKey } : {}),
});
