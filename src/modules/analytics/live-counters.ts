import type { LiveFigures } from './contract.js';
import type { StoredTurn } from './event-store.js';

/** Messages are counted in 10-second slices; the last six make "the last minute". */
export const SLICE_MS = 10_000;
export const SLICES = 6;
/** A conversation without a message for this long no longer counts as active. */
export const ACTIVE_MS = 5 * 60_000;

export const sliceOf = (ms: number): number => Math.floor(ms / SLICE_MS);

/** Real-time figures per tenant: in Redis with several instances, in memory when embedded. */
export interface LiveCounters {
  record(turns: readonly StoredTurn[]): Promise<void>;
  read(tenantId: string, nowMs: number): Promise<LiveFigures>;
}

/** A conversation got a message (`ms` set) or ended / went to a person (`ms` null), in turn order. */
export type ActivityChange = { tenantId: string; conversationId: string; ms: number | null };

/** What a batch changes: messages per tenant and slice, and conversations' activity. Each turn took one message. */
export function liveChanges(turns: readonly StoredTurn[]) {
  const messages = new Map<string, Map<number, number>>();
  const activity: ActivityChange[] = [];
  const ordered = [...turns].sort((a, b) => a.ms - b.ms || a.turn - b.turn);
  for (const { tenantId, conversationId, ms, open } of ordered) {
    const slices = messages.get(tenantId) ?? new Map<number, number>();
    slices.set(sliceOf(ms), (slices.get(sliceOf(ms)) ?? 0) + 1);
    messages.set(tenantId, slices);
    activity.push({ tenantId, conversationId, ms: open ? ms : null });
  }
  return { messages, activity };
}

export function createMemoryLiveCounters(): LiveCounters {
  const messages = new Map<string, Map<number, number>>();
  const active = new Map<string, Map<string, number>>();
  return {
    async record(turns) {
      const changes = liveChanges(turns);
      for (const [tenantId, slices] of changes.messages) {
        const mine = messages.get(tenantId) ?? new Map<number, number>();
        for (const [slice, n] of slices) mine.set(slice, (mine.get(slice) ?? 0) + n);
        messages.set(tenantId, mine);
      }
      for (const { tenantId, conversationId, ms } of changes.activity) {
        const mine = active.get(tenantId) ?? new Map<string, number>();
        if (ms === null) mine.delete(conversationId);
        else mine.set(conversationId, Math.max(ms, mine.get(conversationId) ?? 0));
        active.set(tenantId, mine);
      }
    },
    async read(tenantId, nowMs) {
      const current = sliceOf(nowMs);
      const slices = messages.get(tenantId);
      const conversations = active.get(tenantId);
      let messagesLastMinute = 0;
      for (const [slice, n] of slices ?? []) {
        if (slice > current - SLICES) messagesLastMinute += n;
        else slices?.delete(slice); // older slices are never read again
      }
      let activeConversations = 0;
      for (const [id, ms] of conversations ?? []) {
        if (ms > nowMs - ACTIVE_MS) activeConversations += 1;
        else conversations?.delete(id);
      }
      return { messagesLastMinute, activeConversations };
    },
  };
}
