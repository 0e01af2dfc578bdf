import { eraseKind, type IntegrationKind } from './define-kind.js';
import { httpKind } from './http.js';
import { hubspotKind } from './hubspot.js';
import { mcpKind } from './mcp.js';
import { odooKind } from './odoo.js';

/** Every integration kind, in the order the console lists them. A new kind is one file plus one line. */
export const integrationKinds: readonly IntegrationKind<unknown, unknown>[] = [eraseKind(httpKind), eraseKind(mcpKind), eraseKind(hubspotKind), eraseKind(odooKind)];

export const findKind = (id: string): IntegrationKind<unknown, unknown> | undefined => integrationKinds.find((k) => k.id === id);
