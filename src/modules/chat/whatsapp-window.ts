import { AppError } from '../../shared/app-error.js';
import type { Reply, ReplyTemplate } from '../engine/contract.js';
import type { SqlExecutor } from '../storage/contract.js';

/** WhatsApp's customer-service window: free-form messages only within 24 hours of the user's last message. */
export const WINDOW_MS = 24 * 60 * 60 * 1000;

/** When the user last wrote in the conversation (null: never). */
export async function lastInboundAt(tx: SqlExecutor, tenantId: string, conversationId: string): Promise<string | null> {
  const [row] = await tx.query<{ at: string | null }>(
    `SELECT max(created_at) AS at FROM messages WHERE tenant_id = $1 AND conversation_id = $2 AND doc->>'direction' = 'inbound'`,
    [tenantId, conversationId],
  );
  return row?.at ?? null;
}

/**
 * The reply a conversation may receive now: as it is (another channel, a template, or the window
 * open), the channel's window template in its place, or refused with a message that says what to
 * do. A refusal is an AppError('conflict') the caller records where the user of the API sees it.
 */
export function withinWindow(reply: Reply, lastInbound: string | null, nowMs: number, windowTemplate: { name: string; language: string } | undefined): Reply {
  if (reply.template) return reply;
  if (lastInbound !== null && nowMs - Date.parse(lastInbound) < WINDOW_MS) return reply;
  if (windowTemplate) {
    const template: ReplyTemplate = { name: windowTemplate.name, language: windowTemplate.language, params: [] };
    return { type: 'text', text: reply.text, template };
  }
  const since = lastInbound ? `the user last wrote at ${lastInbound}` : 'the user has not written yet';
  throw new AppError(
    'conflict',
    `WhatsApp only delivers template messages outside the 24-hour customer-service window (${since}): send a template, or set windowTemplate on the WhatsApp channel to send one in place of free-form messages.`,
    { details: { reason: 'whatsapp_window_closed', lastInboundAt: lastInbound } },
  );
}
