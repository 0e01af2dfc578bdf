/**
 * The words of conversation repair: cancel and skip phrases, "change the <slot> to …"
 * corrections, and naming a slot. Plain text matching, so it works without any NLU model.
 */
import type { FlowDefinition } from './flow-schema.js';
import type { FlowSlot } from './state-schema.js';

export const DEFAULT_CANCEL_PHRASES = ['cancel', 'cancel that', 'cancel it', 'stop', 'never mind', 'nevermind', 'forget it', 'quit', 'abort'];
export const DEFAULT_SKIP_PHRASES = ['skip', 'skip it', 'skip this', 'no thanks', 'no thank you', 'none', 'nothing', 'no', 'nope', 'pass', 'next'];

const FILLER = /^(?:(?:please|just|ok|okay|oh|actually|um|uh)[, ]+)+|(?:[, ]+(?:please|then|thanks))+$/g;

/** Lower case, no punctuation at the ends, no politeness around it. */
export function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[.!?,;:]+$/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(FILLER, '')
    .trim();
}

const matchesPhrase = (text: string | null, phrases: readonly string[]): boolean => {
  if (!text) return false;
  const said = normalise(text);
  return phrases.some((phrase) => normalise(phrase) === said);
};

export const isCancel = (phrases: readonly string[] | undefined, text: string | null): boolean => matchesPhrase(text, phrases ?? DEFAULT_CANCEL_PHRASES);

/** A skip phrase, or "no <slot>" ("no notes"). */
export const isSkip = (flow: FlowDefinition, text: string | null, slot: FlowSlot): boolean =>
  matchesPhrase(text, flow.repair?.skip_phrases ?? DEFAULT_SKIP_PHRASES) || matchesPhrase(text, namesOf(slot).map((name) => `no ${name}`));

const CHANGE = /^(?:(?:no|actually|sorry|oh|wait|oops)[,.!]?\s+)*(?:(?:please|can you|could you|i want to|i'd like to|i would like to|let me)\s+)?(?:change|make|set|update|correct|switch)\s+(?:the\s+|my\s+)?(.+?)\s+to\s+(.+?)[.!]*$/i;
/** "make the size large": a one-word slot name, then the value. */
const MAKE = /^(?:(?:no|actually|sorry|oh|wait|oops)[,.!]?\s+)*(?:make|set)\s+(?:the|my)\s+(\S+)\s+(.+?)[.!]*$/i;
const STATEMENT = /^(?:(?:no|actually|sorry|oh|wait|oops)[,.!]?\s+)*(?:the|my)\s+(.+?)\s+(?:should be|is actually|is)\s+(.+?)[.!]*$/i;

/** "change the address to 5 Main St" → the slot's words and the new value's text. */
export function parseCorrection(text: string): { slot: string; value: string } | null {
  const said = text.trim();
  const match = CHANGE.exec(said) ?? MAKE.exec(said) ?? STATEMENT.exec(said);
  const slot = match?.[1]?.trim();
  const value = match?.[2]?.trim();
  return slot && value ? { slot: slot.toLowerCase(), value } : null;
}

const namesOf = (slot: FlowSlot): string[] => [slot.name, slot.name.replace(/_/g, ' '), ...(slot.aliases ?? [])].map((name) => name.toLowerCase());

/** "Delivery address" for `delivery_address`: the first alias, else the name in words. */
export function slotLabel(slot: FlowSlot): string {
  const words = slot.aliases?.[0] ?? slot.name.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The slot whose name or alias the text is ("the address", "size please"). */
export function slotNamed(slots: readonly FlowSlot[], text: string): FlowSlot | undefined {
  const said = normalise(text).replace(/^(?:the|my)\s+/, '');
  return slots.find((slot) => namesOf(slot).includes(said));
}

const slotIndex = new WeakMap<FlowDefinition, FlowSlot[]>();

/** Every slot the flow's slot_filling states define, computed once per flow. */
export function flowSlots(flow: FlowDefinition): FlowSlot[] {
  let slots = slotIndex.get(flow);
  if (!slots) {
    slots = Object.values(flow.states).flatMap((state) => (state.type === 'slot_filling' ? state.slots : []));
    slotIndex.set(flow, slots);
  }
  return slots;
}
