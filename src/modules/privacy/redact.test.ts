import { describe, expect, it } from 'vitest';
import { passesLuhn, redactText, redactValue } from './redact.js';

describe('personal data redaction', () => {
  it('replaces e-mail addresses, international phone numbers and card numbers', () => {
    expect(redactText('write to ada.lovelace+bots@example.co.uk please')).toBe('write to [email] please');
    expect(redactText('call +44 20 7946 0958 or +1 (415) 555-2671')).toBe('call [phone] or [phone]');
    expect(redactText('card 4111 1111 1111 1111, exp 12/29')).toBe('card [card number], exp 12/29');
    expect(redactText('card 4111-1111-1111-1111')).toBe('card [card number]');
    expect(redactText('5500005555555559')).toBe('[card number]');
  });

  it('keeps what only looks like personal data: order numbers, digit runs failing Luhn, dates, plain words', () => {
    expect(redactText('order 12345678 shipped')).toBe('order 12345678 shipped');
    expect(redactText('tracking 4111 1111 1111 1112')).toBe('tracking 4111 1111 1111 1112');
    expect(redactText('on 2026-12-06 at 10:30')).toBe('on 2026-12-06 at 10:30');
    expect(redactText('user@localhost is not an address we keep')).toBe('user@localhost is not an address we keep');
  });

  it('checks Luhn', () => {
    expect(passesLuhn('4111111111111111')).toBe(true);
    expect(passesLuhn('4111111111111112')).toBe(false);
    expect(passesLuhn('79927398713')).toBe(true);
  });

  it('redacts every string of a JSON value and keeps its shape', () => {
    const trace = [{ type: 'message', text: 'mail ada@example.com', turn: 4111111111111111, ok: true }, { slots: { email: 'ada@example.com' } }];
    expect(redactValue(trace)).toEqual([{ type: 'message', text: 'mail [email]', turn: 4111111111111111, ok: true }, { slots: { email: '[email]' } }]);
  });
});
