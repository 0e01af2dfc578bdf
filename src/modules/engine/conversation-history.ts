import type { ConversationSnapshot, HistoryEntry, Reply } from './flow/index.js';

export type { HistoryEntry };

/** Messages a conversation keeps for `generate`, `answer` and `agent` states (which each take their last N). */
export const HISTORY_LIMIT = 30;
const MAX_ENTRY_CHARS = 2_000;

/** The conversation so far, with this turn's user message. */
export function startHistory(snapshot: ConversationSnapshot | null, userText: string | null): HistoryEntry[] {
  const history = [...(snapshot?.history ?? [])];
  if (userText) history.push({ role: 'user', text: userText.slice(0, MAX_ENTRY_CHARS) });
  return history;
}

export function addReplies(history: HistoryEntry[], replies: readonly Reply[]): void {
  for (const reply of replies) if (reply.text.trim()) history.push({ role: 'assistant', text: reply.text.slice(0, MAX_ENTRY_CHARS) });
}

export const boundHistory = (history: HistoryEntry[]): HistoryEntry[] => history.slice(-HISTORY_LIMIT);
