import { type FakeServer, sendJson, startFakeServer } from './crm.js';

export interface FakeErp extends FakeServer {
  database: string;
  userId: number;
  apiKey: string;
}

const ORDERS = [{ id: 7, name: 'S00042', state: 'sale', amount_total: 129.5, date_order: '2024-05-01 10:00:00' }];

/** A fake Odoo: JSON-RPC `execute_kw` on `sale.order` with `search_read`, checking database, uid and key. */
export async function startFakeErp(): Promise<FakeErp> {
  const database = 'acme';
  const userId = 2;
  const apiKey = 'odoo-api-key-0123456789';
  const server = await startFakeServer((r, res) => {
    if (r.method !== 'POST' || r.path !== '/jsonrpc') return sendJson(res, 404, { message: 'not found' });
    const rpc = r.body as { id: number; params: { service: string; method: string; args: unknown[] } };
    const [db, uid, key, model, method, domain] = rpc.params.args as [string, number, string, string, string, [string, string, string][][]];
    if (db !== database || uid !== userId || key !== apiKey) {
      return sendJson(res, 200, { jsonrpc: '2.0', id: rpc.id, error: { code: 200, message: 'Odoo Server Error', data: { name: 'odoo.exceptions.AccessDenied', message: 'Access Denied' } } });
    }
    if (model !== 'sale.order' || method !== 'search_read') return sendJson(res, 200, { jsonrpc: '2.0', id: rpc.id, error: { code: 200, message: 'Odoo Server Error', data: { message: `unknown ${model}.${method}` } } });
    const name = domain[0]?.[0]?.[2];
    return sendJson(res, 200, { jsonrpc: '2.0', id: rpc.id, result: ORDERS.filter((o) => o.name === name) });
  });
  return { ...server, database, userId, apiKey };
}
