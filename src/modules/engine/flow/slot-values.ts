/** A slot's value in a message: its button's payload, its entity (all of them for a list slot), or the text. */
import type { TurnMessage } from './context.js';
import type { FlowSlot } from './state-schema.js';

export interface SlotValue {
  value: unknown;
  source: 'entity' | 'payload' | 'text';
}

/** "pepperoni, ham and mushrooms" → three items. */
export function splitList(text: string): string[] {
  return text
    .split(/\s*(?:,|;|&|\+|\band\b|\bplus\b)\s*/i)
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

const unique = (values: unknown[]): unknown[] => values.filter((value, i) => values.findIndex((other) => JSON.stringify(other) === JSON.stringify(value)) === i);

/**
 * `asked`: the slot is the question the message answers, so free text and button payloads count.
 * `within`: only entities found in this part of the text count (the value part of a correction).
 */
export function slotValue(message: TurnMessage, slot: FlowSlot, asked: boolean, within?: string): SlotValue | null {
  const buttons = [...(slot.buttons ?? []), ...(slot.quick_replies ?? [])];
  if (asked && message.payload !== null && buttons.some((b) => b.payload === message.payload)) {
    return { value: slot.list ? [message.payload] : message.payload, source: 'payload' };
  }
  if (slot.entity) {
    const part = within?.toLowerCase();
    const found = message.entities.filter((e) => e.entity === slot.entity && (part === undefined || part.includes(e.text.toLowerCase())));
    const first = found[0];
    if (first) return { value: slot.list ? unique(found.map((e) => e.value)) : first.value, source: 'entity' };
    return null;
  }
  const text = (within ?? message.text)?.trim();
  if (!asked || !text) return null;
  return { value: slot.list ? splitList(text) : text, source: 'text' };
}
