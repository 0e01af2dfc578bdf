/**
 * The operator table of structured conditions. Missing fields read as null, and null compared
 * with anything but null is false (so `ne` and `not_in` are the negations of `eq` and `in`).
 */
import type { ConditionOperator } from './condition-schema.js';
import type { LinearRegex } from '../../../shared/bounded-regex.js';
import { deepEqual, isObject } from './paths.js';

const asNumber = (v: unknown): number | null => {
  if (typeof v === 'number' || typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
};

/** Numbers compare as numbers (a numeric string counts when the other side is a number). */
function order(a: unknown, b: unknown): number | null {
  if (a === null || b === null) return null;
  if (typeof a === 'number' || typeof b === 'number') {
    const x = asNumber(a);
    const y = asNumber(b);
    return x === null || y === null ? null : x - y;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return null;
}

const text = (v: unknown): string | null =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;

function isIn(field: unknown, value: unknown): boolean {
  if (field === null) return false;
  if (Array.isArray(value)) return value.some((item) => deepEqual(field, item));
  const needle = text(field);
  return typeof value === 'string' && needle !== null && value.includes(needle);
}

function contains(field: unknown, value: unknown): boolean {
  if (Array.isArray(field)) return field.some((item) => deepEqual(item, value));
  if (isObject(field)) return typeof value === 'string' && Object.hasOwn(field, value);
  const haystack = text(field);
  const needle = text(value);
  return haystack !== null && needle !== null && haystack.includes(needle);
}

function isEmpty(field: unknown): boolean {
  if (field === null || field === '') return true;
  if (Array.isArray(field)) return field.length === 0;
  return isObject(field) && Object.keys(field).length === 0;
}

/** `regex` is the compiled `value` of a `matches` condition. */
export function applyOperator(op: ConditionOperator, field: unknown, value: unknown, regex?: LinearRegex): boolean {
  switch (op) {
    case 'eq': return deepEqual(field, value ?? null);
    case 'ne': return !deepEqual(field, value ?? null);
    case 'gt': { const o = order(field, value ?? null); return o !== null && o > 0; }
    case 'gte': { const o = order(field, value ?? null); return o !== null && o >= 0; }
    case 'lt': { const o = order(field, value ?? null); return o !== null && o < 0; }
    case 'lte': { const o = order(field, value ?? null); return o !== null && o <= 0; }
    case 'in': return isIn(field, value);
    case 'not_in': return !isIn(field, value);
    case 'contains': return contains(field, value);
    case 'starts_with': { const s = text(field); const p = text(value); return s !== null && p !== null && s.startsWith(p); }
    case 'ends_with': { const s = text(field); const p = text(value); return s !== null && p !== null && s.endsWith(p); }
    case 'matches': { const s = text(field); return s !== null && regex !== undefined && regex.test(s); }
    // `value: false` inverts the two presence operators ({op: exists, value: false} = absent).
    case 'exists': return (field !== null) !== (value === false);
    case 'empty': return isEmpty(field) !== (value === false);
    default: {
      const unreachable: never = op;
      throw new Error(`unknown operator ${String(unreachable)}`);
    }
  }
}

/** Problems with a `value` that can be found before running, for validation. */
export function checkOperatorValue(op: ConditionOperator, value: unknown): string | null {
  if (op === 'exists' || op === 'empty') return value === undefined || typeof value === 'boolean' ? null : `'${op}' takes no value (or true/false)`;
  if (value === undefined) return `'${op}' needs a value`;
  if ((op === 'in' || op === 'not_in') && !Array.isArray(value) && typeof value !== 'string') return `'${op}' needs a list (or a string) as value`;
  if (op === 'matches') {
    if (typeof value !== 'string') return `'matches' needs a regular expression string as value`;
    try {
      new RegExp(value);
    } catch (error) {
      return `invalid regular expression: ${(error as Error).message}`;
    }
  }
  return null;
}
