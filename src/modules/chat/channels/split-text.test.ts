import { describe, expect, it } from 'vitest';
import { splitText } from './split-text.js';

describe('splitText', () => {
  it('keeps short texts whole', () => {
    expect(splitText('hello', 10)).toEqual(['hello']);
  });

  it('splits at word boundaries and never exceeds the limit', () => {
    const text = Array.from({ length: 50 }, (_, i) => `word${i}`).join(' ');
    const parts = splitText(text, 40);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(40);
    expect(parts.join(' ')).toBe(text);
  });

  it('prefers paragraph breaks', () => {
    expect(splitText(`${'a'.repeat(30)}\n\n${'b'.repeat(30)}`, 40)).toEqual(['a'.repeat(30), 'b'.repeat(30)]);
  });

  it('cuts unbroken text at the limit without splitting a surrogate pair', () => {
    expect(splitText('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
    const parts = splitText(`${'x'.repeat(9)}😀${'y'.repeat(5)}`, 10);
    expect(parts[0]).toBe('x'.repeat(9));
    expect(parts[1]).toBe(`😀${'y'.repeat(5)}`);
  });
});
