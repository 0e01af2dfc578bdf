/**
 * Reading a stored snapshot of any version this engine has written: older ones are upgraded one
 * version at a time to the current one. Version 1 is the context stored before snapshots were
 * versioned (no `v`): the interpreter's whole working context, per-turn internals included.
 *
 * To change what a snapshot holds: freeze the current schema here as that version's (with the
 * pieces of it that change), bump SNAPSHOT_VERSION, add the upgrade from the frozen version to
 * UPGRADES, and add real snapshots of the old version to test/fixtures/snapshots.
 */
import { z } from 'zod';
import { flowFrameSchema, handoffMarkSchema, historySchema, SNAPSHOT_VERSION, snapshotSchema, type ConversationSnapshot } from './snapshot.js';

export type SnapshotRead =
  | { ok: true; snapshot: ConversationSnapshot }
  /** `newer`: written by a later engine version, which alone can run it; `invalid`: not a snapshot of any version. */
  | { ok: false; problem: 'newer' | 'invalid'; message: string };

const data = z.record(z.string(), z.unknown());
const names = z.array(z.string());

const snapshotV1Schema = z.object({
  state: z.string().nullable(),
  status: z.enum(['active', 'waiting', 'ended', 'handoff']),
  slots: data,
  vars: data,
  user: data,
  turn: z.number().int().min(0),
  tags: names,
  history: historySchema.optional(),
  internal: z.object({
    result: z.unknown(),
    fallbackCount: z.number().int().min(0),
    slotAttempts: z.record(z.string(), z.number().int()),
    awaitingConfirmation: z.boolean(),
    /** Null, unless a turn stopped at an effect and was stored anyway. */
    pending: z.unknown(),
    // Added in the course of version 1: contexts stored before have none.
    returnStack: names.optional(),
    frames: z.array(flowFrameSchema).optional(),
    skipped: names.optional(),
    choosingSlot: z.boolean().optional(),
    handoff: handoffMarkSchema.nullable().optional(),
  }),
});

function v1ToV2(stored: unknown): ConversationSnapshot {
  const { internal, ...old } = snapshotV1Schema.parse(stored);
  // A run stored while waiting for an effect, or stopped mid-way, started over at the next message; as an ended one does.
  const status = (internal.pending !== undefined && internal.pending !== null) || old.status === 'active' ? 'ended' : old.status;
  return {
    v: 2,
    state: old.state,
    status,
    slots: old.slots,
    vars: old.vars,
    user: old.user,
    turn: old.turn,
    tags: old.tags,
    history: old.history ?? [],
    result: internal.result ?? null,
    fallbackCount: internal.fallbackCount,
    slotAttempts: internal.slotAttempts,
    awaitingConfirmation: internal.awaitingConfirmation,
    choosingSlot: internal.choosingSlot ?? false,
    skipped: internal.skipped ?? [],
    returnStack: internal.returnStack ?? [],
    frames: internal.frames ?? [],
    handoff: internal.handoff ?? null,
  };
}

/** Upgrades by the version they start from; each parses its own version's shape. */
const UPGRADES: Record<number, (stored: unknown) => unknown> = { 1: v1ToV2 };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The first few problems, `path: message`, enough for an operator's log line and a trace entry. */
function describe(error: unknown): string {
  if (!(error instanceof z.ZodError)) return String(error);
  const shown = error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`);
  const more = error.issues.length - shown.length;
  return shown.join('; ') + (more > 0 ? ` (and ${more} more)` : '');
}

export function readSnapshot(stored: unknown): SnapshotRead {
  if (!isRecord(stored)) return { ok: false, problem: 'invalid', message: 'the stored conversation state is not an object' };
  const version = stored.v ?? 1;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return { ok: false, problem: 'invalid', message: `the stored conversation state has version ${JSON.stringify(version)}, which no engine writes` };
  }
  if (version > SNAPSHOT_VERSION) {
    return { ok: false, problem: 'newer', message: `the conversation was saved by a newer engine (state version ${version}; this one reads up to ${SNAPSHOT_VERSION})` };
  }
  try {
    let current: unknown = stored;
    for (let at = version; at < SNAPSHOT_VERSION; at += 1) current = UPGRADES[at]!(current);
    return { ok: true, snapshot: snapshotSchema.parse(current) };
  } catch (error) {
    return { ok: false, problem: 'invalid', message: `the stored conversation state (version ${version}) is not valid: ${describe(error)}` };
  }
}
