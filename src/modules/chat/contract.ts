import type { InboundTurn, Reply, TurnResult } from '../engine/contract.js';

/**
 * Chat: conversations and their messages (JSONB documents), and the path from an inbound message
 * to the engine and back. Channels plug in here.
 */

export interface StoredMessage {
  id: string;
  conversationId: string;
  direction: 'inbound' | 'outbound';
  channel: string;
  text: string | null;
  payload: string | null;
  reply: Reply | null;
  turnId: string | null;
  createdAt: string;
}

export interface ConversationSummary {
  id: string;
  channel: string;
  startedAt: string;
  lastMessageAt: string;
  messageCount: number;
}

export interface Chat {
  handleMessage(tenantId: string, conversationId: string, message: InboundTurn): Promise<TurnResult>;
  getConversation(tenantId: string, conversationId: string): Promise<ConversationSummary | null>;
  listMessages(tenantId: string, conversationId: string, options?: { limit?: number }): Promise<StoredMessage[]>;
}
