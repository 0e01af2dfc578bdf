import type { Counters } from '../storage/contract.js';
import type { LiveFigures } from './contract.js';
import type { StoredTurn } from './event-store.js';

/** Messages are counted in 10-second slices; the last six make "the last minute". */
export const SLICE_MS = 10_000;
export const SLICES = 6;
/** A conversation without a message for this long no longer counts as active. */
export const ACTIVE_MS = 5 * 60_000;

export const sliceOf = (ms: number): number => Math.floor(ms / SLICE_MS);

/** Real-time figures per tenant, in storage's counters: shared through Redis, in memory when embedded. */
export interface LiveCounters {
  record(turns: readonly StoredTurn[]): Promise<void>;
  read(tenantId: string, nowMs: number): Promise<LiveFigures>;
}

/** A conversation got a message (`ms` set) or ended / went to a person (`ms` null), in turn order. */
type ActivityChange = { tenantId: string; conversationId: string; ms: number | null };

/** What a batch changes: messages per tenant and slice, and conversations' activity. Each turn took one message. */
function liveChanges(turns: readonly StoredTurn[]) {
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

/** Per tenant, each conversation's last change in event order (null: it ended or went to a person). */
function latestActivity(activity: readonly ActivityChange[]): Map<string, Map<string, number | null>> {
  const byTenant = new Map<string, Map<string, number | null>>();
  for (const { tenantId, conversationId, ms } of activity) {
    const latest = byTenant.get(tenantId) ?? new Map<string, number | null>();
    latest.delete(conversationId);
    latest.set(conversationId, ms);
    byTenant.set(tenantId, latest);
  }
  return byTenant;
}

/**
 * A counter per tenant and 10-second slice (expiring on its own) and a set of active conversations
 * seen by their last message. The keys are the ones the figures always had in Redis.
 */
export function createLiveCounters(counters: Counters): LiveCounters {
  const sliceKey = (tenantId: string, slice: number) => `analytics:live:messages:${tenantId}:${slice}`;
  const activeKey = (tenantId: string) => `analytics:live:active:${tenantId}`;
  return {
    async record(turns) {
      const changes = liveChanges(turns);
      const added = [...changes.messages].flatMap(([tenantId, slices]) =>
        [...slices].map(([slice, n]) => ({ key: sliceKey(tenantId, slice), by: n, ttlMs: SLICE_MS * (SLICES + 1) })),
      );
      // One sighting and one removal per tenant and batch, not one per message: only a
      // conversation's last change in the batch counts, as it would if they were applied one by one.
      const updates = [...latestActivity(changes.activity)].flatMap(([tenantId, latest]) => {
        const seen = [...latest].flatMap(([member, at]) => (at === null ? [] : [{ member, at }]));
        const ended = [...latest].flatMap(([member, at]) => (at === null ? [member] : []));
        return [counters.markSeen(activeKey(tenantId), seen, ACTIVE_MS), counters.unmark(activeKey(tenantId), ended)];
      });
      await Promise.all([counters.add(added), ...updates]);
    },
    async read(tenantId, nowMs) {
      const current = sliceOf(nowMs);
      const keys = Array.from({ length: SLICES }, (_, i) => sliceKey(tenantId, current - i));
      const [counts, active] = await Promise.all([counters.read(keys), counters.countSeenAfter(activeKey(tenantId), nowMs - ACTIVE_MS)]);
      return { messagesLastMinute: counts.reduce((sum, n) => sum + n, 0), activeConversations: active };
    },
  };
}
