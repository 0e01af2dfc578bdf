import { tenantTables } from '../storage/index.js';

/** The channels' queues and schedules, then messages before their conversations. */
export const chatTenantData = tenantTables('chat', ['channel_inbox', 'channel_outbox', 'chat_schedules', 'chat_starts', 'channel_routes', 'channel_configs', 'messages', 'conversations']);
