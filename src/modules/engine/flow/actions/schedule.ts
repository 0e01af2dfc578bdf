import { z } from 'zod';
import { defineAction, type ActionSource } from './define-action.js';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const MAX_MS = 30 * UNIT_MS.d;

/** `30s`, `15m`, `2h`, `1d` (or combined, `1h30m`) → milliseconds; null when it is not such a duration. */
export function parseDelay(text: string): number | null {
  if (!/^(\d+[smhd])+$/.test(text)) return null;
  let total = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)([smhd])/g)) total += Number(n) * UNIT_MS[unit as keyof typeof UNIT_MS];
  return total;
}

export const scheduleKeySchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'a key of letters, digits, _ . : -');

const delay = z.string().refine((d) => {
  const ms = parseDelay(d);
  return ms !== null && ms >= 1000 && ms <= MAX_MS;
}, 'a delay such as 30s, 15m, 2h, 1d or 1h30m, between 1 second and 30 days');

/**
 * `schedule: {in: 2h, message: "…"}` sends a follow-up through the conversation's channel later;
 * `schedule: {in: 1d, event: reminder}` runs a turn then whose payload is the event's name (the
 * flow decides what to say). A `key` names it, so that a later `schedule` with the same key
 * replaces it and `unschedule: key` cancels it. Chat stores it with the turn (durable) and sends it.
 */
export const scheduleAction = defineAction({
  kind: 'schedule',
  schema: z
    .strictObject({
      in: delay,
      message: z.string().min(1).optional(),
      event: z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'an event name of letters, digits, _ . : -').optional(),
      key: scheduleKeySchema.optional(),
    })
    .refine((s) => (s.message === undefined) !== (s.event === undefined), 'give either a message or an event'),
  run(arg, rt) {
    const inMs = parseDelay(arg.in) ?? 0;
    const message = arg.message === undefined ? undefined : rt.text(arg.message);
    if (message !== undefined && message.trim() === '') {
      rt.error('schedule_empty', `schedule${arg.key ? ` '${arg.key}'` : ''}: the message rendered empty; nothing was scheduled`);
      return;
    }
    rt.sideEffect({ kind: 'schedule', key: arg.key ?? null, inMs, ...(message === undefined ? {} : { message }), ...(arg.event === undefined ? {} : { event: arg.event }) });
    rt.trace({ type: 'action', state: rt.state, kind: 'schedule', detail: { in: arg.in, key: arg.key ?? null, ...(arg.event ? { event: arg.event } : { message }) } });
  },
  templates: (arg): ActionSource[] => (arg.message === undefined ? [] : [{ path: 'message', source: arg.message, mode: 'text' }]),
});
