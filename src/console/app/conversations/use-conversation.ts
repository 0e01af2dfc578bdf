import { ApiError, api, seg } from '../api/client';
import type { Conversation, StoredMessage, TurnTrace } from '../api/types';
import { useAsync } from '../ui/async';

export interface ConversationData {
  conversation: Conversation;
  messages: StoredMessage[];
  turns: TurnTrace[];
}

/** A conversation, its messages and its traces, fetched together. */
export function useConversation(id: string, refresh: string | number) {
  return useAsync<ConversationData>(async () => {
    const [conversation, messages, trace] = await Promise.all([
      api.get<Conversation>(`/conversations/${seg(id)}`),
      api.get<{ messages: StoredMessage[] }>(`/conversations/${seg(id)}/messages?limit=500`),
      api.get<{ turns: TurnTrace[] }>(`/conversations/${seg(id)}/trace?limit=200`),
    ]);
    return { conversation, messages: messages.messages, turns: trace.turns };
  }, [id, refresh]);
}

export interface ConversationFilters {
  q?: string;
  status?: string;
  channel?: string;
  from?: string;
  to?: string;
}

/**
 * GET /v1/conversations with filters. The list route is not in the API yet everywhere: a 404
 * for the route itself (not for a conversation) is reported as `null` so pages can say so.
 */
export async function listConversations(filters: ConversationFilters) {
  const query = new URLSearchParams({ limit: '50' });
  for (const [k, v] of Object.entries(filters)) if (v) query.set(k, v);
  try {
    return (await api.get<{ conversations: Conversation[] }>(`/conversations?${query.toString()}`)).conversations;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404 && e.code === 'not_found') return null;
    throw e;
  }
}
