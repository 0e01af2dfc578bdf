import { describe, expect, it } from 'vitest';
import { compileEntities } from './extract-entities.js';
import { parseAmount } from './money.js';

const money = compileEntities({ price: { type: 'money' } });
const extract = (text: string) => money.extract(text).map((e) => [e.value, e.text]);
const usd = (amount: number) => ({ amount, currency: 'USD' });
const eur = (amount: number) => ({ amount, currency: 'EUR' });

describe('money entities', () => {
  it.each([
    ['$20', usd(20), '$20'],
    ['it costs $ 20.', usd(20), '$ 20'],
    ['20 dollars', usd(20), '20 dollars'],
    ['20 Bucks', usd(20), '20 Bucks'],
    ['€15.50', eur(15.5), '€15.50'],
    ['15 EUR', eur(15), '15 EUR'],
    ['EUR 15', eur(15), 'EUR 15'],
    ['15€', eur(15), '15€'],
    ['15,50 €', eur(15.5), '15,50 €'],
    ['1.200,50 euros', eur(1200.5), '1.200,50 euros'],
    ['$1,200.50', usd(1200.5), '$1,200.50'],
    ['£3', { amount: 3, currency: 'GBP' }, '£3'],
    ['¥500', { amount: 500, currency: 'JPY' }, '¥500'],
    ['CA$10', { amount: 10, currency: 'CAD' }, 'CA$10'],
    ['twenty five dollars', usd(25), 'twenty five dollars'],
    ['a hundred euros', eur(100), 'a hundred euros'],
    ['50 cents', usd(0.5), '50 cents'],
    ['100 CHF', { amount: 100, currency: 'CHF' }, '100 CHF'],
  ])('reads %s', (text, value, matched) => {
    expect(extract(text)).toEqual([[value, matched]]);
  });

  it('finds several amounts in one message without overlaps', () => {
    expect(extract('$20 now and 15 EUR later, total 20 dollars and 50 cents')).toEqual([
      [usd(20), '$20'],
      [eur(15), '15 EUR'],
      [usd(20), '20 dollars'],
      [usd(0.5), '50 cents'],
    ]);
  });

  it('does not take plain numbers, lowercase codes that are words, or parts of words', () => {
    expect(extract('I will try 5 times, order 12345, 3 eggs, 20dollarsign')).toEqual([]);
  });

  it('survives other scripts, emoji and long text', () => {
    expect(extract('цена 20 € 😀 价格€15')).toEqual([
      [eur(20), '20 €'],
      [eur(15), '€15'],
    ]);
    expect(extract('💶'.repeat(5_000))).toEqual([]);
    expect(money.extract('$1 '.repeat(4_000)).length).toBeLessThanOrEqual(700);
  });
});

describe('parseAmount', () => {
  it.each([
    ['20', 20],
    ['15.5', 15.5],
    ['15,50', 15.5],
    ['1,200', 1200],
    ['1.200', 1200],
    ['1,200.50', 1200.5],
    ['1.200,50', 1200.5],
    ['1,234,567', 1234567],
  ])('reads %s as %d', (written, amount) => {
    expect(parseAmount(written)).toBe(amount);
  });
});
