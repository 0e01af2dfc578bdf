import { findPhoneNumbersInText } from 'libphonenumber-js';

/**
 * Redaction of personal data a workspace chose not to keep in stored messages and traces:
 * e-mail addresses, card numbers (13–19 digits passing the Luhn check, so order numbers mostly
 * stay) and phone numbers in international form (libphonenumber-js; without a country, a
 * national number cannot be told from any other digits, so those stay too).
 */
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
const CARD = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;

export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

export function redactText(text: string): string {
  let out = text.replace(EMAIL, '[email]').replace(CARD, (match) => (passesLuhn(match.replace(/\D/g, '')) ? '[card number]' : match));
  // Right to left, so earlier offsets stay valid while later ones are replaced.
  for (const found of findPhoneNumbersInText(out).reverse()) out = `${out.slice(0, found.startsAt)}[phone]${out.slice(found.endsAt)}`;
  return out;
}

/** Every string in a JSON value redacted; the structure, keys, numbers and booleans kept. */
export function redactValue<T>(value: T): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactValue(v)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v)])) as T;
  return value;
}
