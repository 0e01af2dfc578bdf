import { AppError } from '../../shared/app-error.js';
import type { Clock } from '../../shared/clock.js';
import type { FlowAuthoring } from '../engine/contract.js';
import type { Sql } from '../storage/contract.js';
import { channelDefinition } from './channels/registry.js';
import type { ChannelId, ChannelRoute } from './contract.js';

interface RouteRow extends Record<string, unknown> {
  channel: ChannelId;
  account: string;
  flow_id: string;
  updated_at: string;
}

const toRoute = (row: RouteRow): ChannelRoute => ({ channel: row.channel, account: row.account, flowId: row.flow_id, updatedAt: row.updated_at });

/**
 * Several bots in one workspace: a channel account (a WhatsApp number, a Messenger page, a Slack
 * app or team, a Twilio number, the widget key) routes new conversations to a flow. Messages that
 * match no route start the workspace's default flow.
 */
export function createChannelRoutes(deps: { sql: Sql; clock: Clock; flows: Pick<FlowAuthoring, 'getFlow'> }) {
  const { sql } = deps;

  function checkAccount(channel: ChannelId, account: string): void {
    const { name, pattern, example } = channelDefinition(channel).account;
    if (!pattern.test(account)) throw new AppError('bad_request', `'${account.slice(0, 100)}' is not a ${channel} ${name} (for example ${example}).`);
  }

  async function checkFlow(tenantId: string, flowId: string): Promise<void> {
    const flow = await deps.flows.getFlow(tenantId, flowId);
    if (flow.publishedVersion === null) throw new AppError('flow_not_published', `Publish flow '${flow.name}' before routing a channel to it.`);
  }

  return {
    async list(tenantId: string, channel: ChannelId): Promise<ChannelRoute[]> {
      const rows = await sql.withTenant(tenantId, (tx) =>
        tx.query<RouteRow>('SELECT channel, account, flow_id, updated_at FROM channel_routes WHERE tenant_id = $1 AND channel = $2 ORDER BY account', [tenantId, channel]),
      );
      return rows.map(toRoute);
    },

    async put(tenantId: string, channel: ChannelId, account: string, flowId: string): Promise<ChannelRoute> {
      checkAccount(channel, account);
      await checkFlow(tenantId, flowId);
      const [row] = await sql.withTenant(tenantId, (tx) =>
        tx.query<RouteRow>(
          `INSERT INTO channel_routes (tenant_id, channel, account, flow_id, updated_at) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (tenant_id, channel, account) DO UPDATE SET flow_id = EXCLUDED.flow_id, updated_at = EXCLUDED.updated_at
           RETURNING channel, account, flow_id, updated_at`,
          [tenantId, channel, account, flowId, deps.clock.isoNow()],
        ),
      );
      return toRoute(row!);
    },

    async remove(tenantId: string, channel: ChannelId, account: string): Promise<void> {
      const rows = await sql.withTenant(tenantId, (tx) =>
        tx.query('DELETE FROM channel_routes WHERE tenant_id = $1 AND channel = $2 AND account = $3 RETURNING account', [tenantId, channel, account]),
      );
      if (rows.length === 0) throw new AppError('not_found', `No route for ${channel} account '${account.slice(0, 100)}' in this workspace.`);
    },

    /** The flow of the first of `accounts` (most specific first) that has a route; null: the default flow. */
    async resolve(tenantId: string, channel: ChannelId, accounts: readonly string[]): Promise<string | null> {
      if (accounts.length === 0) return null;
      const rows = await sql.withTenant(tenantId, (tx) =>
        tx.query<{ account: string; flow_id: string }>('SELECT account, flow_id FROM channel_routes WHERE tenant_id = $1 AND channel = $2 AND account = ANY($3::text[])', [
          tenantId,
          channel,
          [...accounts],
        ]),
      );
      for (const account of accounts) {
        const row = rows.find((r) => r.account === account);
        if (row) return row.flow_id;
      }
      return null;
    },
  };
}

export type ChannelRoutes = ReturnType<typeof createChannelRoutes>;
