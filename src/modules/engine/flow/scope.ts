/**
 * The scope that conditions and templates see (DESIGN §4): intent, confidence, entities, slots,
 * vars, user, message, payload, channel, result, turn, state, now, plus every `save_as` name at
 * the top level (`{{ order.status }}` after `save_as: order`).
 */
import type { ExtractedEntity } from '../../models/contract.js';
import type { FlowContext } from './context.js';

/** Roots a `save_as` name may not shadow. */
export const SCOPE_ROOTS = [
  'intent', 'confidence', 'entities', 'slots', 'vars', 'user', 'message',
  'payload', 'channel', 'result', 'turn', 'state', 'now', 'value', 'nlu',
] as const;

/** Entity name → value of its first occurrence in the message. */
export function entityMap(entities: readonly ExtractedEntity[]): Record<string, unknown> {
  const map: Record<string, unknown> = {};
  for (const e of entities) if (!Object.hasOwn(map, e.entity)) map[e.entity] = e.value;
  return map;
}

export function buildScope(ctx: FlowContext, savedNames: readonly string[], now: string): Record<string, unknown> {
  const msg = ctx.internal.message;
  const scope: Record<string, unknown> = {};
  for (const name of savedNames) scope[name] = ctx.vars[name] ?? null;
  return Object.assign(scope, {
    intent: msg?.intent ?? null,
    confidence: msg?.confidence ?? null,
    entities: entityMap(msg?.entities ?? []),
    message: msg
      ? {
          text: msg.text,
          payload: msg.payload,
          entities: msg.entities.map(({ entity, value, text }) => ({ entity, value, text })),
          // Present (possibly empty) so that `message.attachments.size() > 0` reads without a null check.
          attachments: msg.attachments ?? [],
          location: msg.location ?? null,
          form: msg.form ?? null,
        }
      : null,
    // `nlu.sentiment == "negative"` reads as a builder writes it; the score (-1…1) is beside it.
    nlu: { intent: msg?.intent ?? null, confidence: msg?.confidence ?? null, sentiment: msg?.sentiment?.label ?? null, sentiment_score: msg?.sentiment?.score ?? null },
    payload: msg?.payload ?? null,
    channel: (msg ?? ctx.internal.pendingMessage)?.channel ?? null,
    slots: ctx.slots,
    vars: ctx.vars,
    user: ctx.user,
    result: ctx.internal.result ?? null,
    turn: ctx.turn,
    state: ctx.state,
    now,
  });
}
