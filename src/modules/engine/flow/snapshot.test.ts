import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { newContext } from './context.js';
import { endedSnapshot, fromSnapshot, SNAPSHOT_VERSION, snapshotSchema, toSnapshot, type ConversationSnapshot } from './snapshot.js';
import { readSnapshot } from './snapshot-upgrades.js';

/** Real version 1 contexts, as main stored them (see the fixture's `about`). */
const fixture = JSON.parse(readFileSync(new URL('../../../../test/fixtures/snapshots/v1-pizza.json', import.meta.url), 'utf8')) as {
  cases: { conversation: string; step: number; stored: { context: Record<string, unknown> }; after: Record<string, unknown> }[];
};
const v1Contexts = fixture.cases.flatMap((c) => [c.stored.context, c.after]);
const v1 = (predicate: (context: { state: string; status: string; internal: Record<string, unknown> }) => boolean) =>
  structuredClone(v1Contexts.find((context) => predicate(context as never))!) as Record<string, unknown> & { internal: Record<string, unknown> };

function read(stored: unknown): ConversationSnapshot {
  const outcome = readSnapshot(stored);
  if (!outcome.ok) throw new Error(outcome.message);
  return outcome.snapshot;
}

describe('reading version 1 snapshots', () => {
  it('upgrades every stored context of the real run to a valid current snapshot, keeping what lasts between turns', () => {
    expect(v1Contexts.length).toBeGreaterThan(50);
    for (const context of v1Contexts) {
      const snapshot = read(context);
      expect(snapshot.v).toBe(SNAPSHOT_VERSION);
      expect(snapshotSchema.safeParse(snapshot).success).toBe(true);
      const internal = context.internal as Record<string, unknown>;
      expect(snapshot).toMatchObject({ state: context.state, slots: context.slots, vars: context.vars, turn: context.turn, history: context.history });
      expect(snapshot).toMatchObject({ frames: internal.frames, returnStack: internal.returnStack, handoff: internal.handoff, slotAttempts: internal.slotAttempts });
      // Reading a current snapshot changes nothing.
      expect(read(snapshot)).toEqual(snapshot);
    }
  });

  it('covers sub-flow calls, digressions, confirmations, handoffs and integration results', () => {
    const snapshots = v1Contexts.map(read);
    expect(snapshots.some((s) => s.frames.length > 0 && s.returnStack.length > 0)).toBe(true);
    expect(snapshots.some((s) => s.awaitingConfirmation && s.choosingSlot)).toBe(true);
    expect(snapshots.some((s) => s.handoff?.agent)).toBe(true);
    expect(snapshots.some((s) => s.fallbackCount > 0 && Object.keys(s.slotAttempts).length === 0)).toBe(true);
    expect(snapshots.some((s) => (s.result as { firstName?: string } | null)?.firstName === 'Ada')).toBe(true);
  });

  it('gives fields added during version 1 their starting values', () => {
    const old = v1((c) => c.state === 'order' && c.status === 'waiting');
    for (const key of ['returnStack', 'frames', 'skipped', 'choosingSlot', 'handoff']) delete old.internal[key];
    delete old.history;
    expect(read(old)).toMatchObject({ returnStack: [], frames: [], skipped: [], choosingSlot: false, handoff: null, history: [] });
  });

  it('takes a run stored while an effect was pending as ended: version 1 started it over at the next message', () => {
    const old = v1((c) => c.state === 'order');
    old.internal.pending = { effect: { id: 't3e1', kind: 'flow', flow: 'address', version: null }, resume: { kind: 'flow', state: 'where' }, queue: [] };
    expect(read(old).status).toBe('ended');
    expect(read({ ...old, status: 'active', internal: { ...old.internal, pending: null } }).status).toBe('ended');
  });
});

describe('snapshots that cannot be read', () => {
  it('names a newer version, which only a newer engine may run', () => {
    expect(readSnapshot({ v: SNAPSHOT_VERSION + 1 })).toEqual({
      ok: false,
      problem: 'newer',
      message: `the conversation was saved by a newer engine (state version ${SNAPSHOT_VERSION + 1}; this one reads up to ${SNAPSHOT_VERSION})`,
    });
  });

  it('says what is wrong with a damaged one', () => {
    expect(readSnapshot('{"state":"ask"}')).toMatchObject({ ok: false, problem: 'invalid', message: 'the stored conversation state is not an object' });
    expect(readSnapshot({ v: 0 })).toMatchObject({ ok: false, problem: 'invalid', message: expect.stringContaining('version 0, which no engine writes') });
    expect(readSnapshot({ ...v1((c) => c.state === 'order'), slots: 'large' })).toMatchObject({ ok: false, problem: 'invalid', message: expect.stringMatching(/\(version 1\).*slots/) });
    const current = read(v1((c) => c.state === 'order'));
    expect(readSnapshot({ ...current, status: 'thinking' })).toMatchObject({ ok: false, problem: 'invalid', message: expect.stringMatching(/\(version 2\).*status/) });
  });
});

describe('snapshot and turn context', () => {
  it('round-trips: a turn built from a snapshot, stored again unchanged, is the same snapshot', () => {
    for (const context of v1Contexts) {
      const snapshot = read(context);
      expect(toSnapshot(fromSnapshot(snapshot), snapshot.history)).toEqual(snapshot);
    }
  });

  it('keeps none of the turn’s own working state', () => {
    const ctx = newContext({ id: 'u1' });
    Object.assign(ctx, { state: 'ask', status: 'waiting' });
    Object.assign(ctx.internal, {
      message: { text: 'hi' },
      pendingMessage: { text: 'hi' },
      visited: ['start', 'ask'],
      effectSeq: 3,
      pending: null,
    });
    const snapshot = toSnapshot(ctx, []);
    for (const key of ['internal', 'message', 'pendingMessage', 'visited', 'effectSeq', 'pending']) expect(snapshot).not.toHaveProperty(key);
    expect(fromSnapshot(snapshot).internal).toMatchObject({ message: null, pendingMessage: null, visited: [], effectSeq: 0, pending: null });
  });

  it('starts over from an ended snapshot', () => {
    expect(endedSnapshot()).toMatchObject({ v: SNAPSHOT_VERSION, state: null, status: 'ended', turn: 0, frames: [] });
  });
});
