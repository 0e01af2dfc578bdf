/**
 * Value parsers shared by both SQL backends, so that a module reads identical JS values from
 * PostgreSQL and PGlite. Timestamps become ISO strings (`2024-05-01T12:00:00.000Z`, what
 * `Date.toISOString()` and the JSON contracts use) rather than `Date`s: contracts exchange plain
 * JSON, and string equality then holds across backends. Precision is milliseconds, like `Date`.
 */

export const OID = { int8: 20, date: 1082, timestamp: 1114, timestamptz: 1184 } as const;

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d+))?([+-]\d{2})?(?::?(\d{2}))?$/;

/**
 * Parses PostgreSQL's ISO text output of timestamptz (any session time zone) and of timestamp
 * (read as UTC). Values outside what `Date` holds (`infinity`, BC dates) stay as PostgreSQL's text.
 */
export function parseTimestamp(text: string): string {
  const match = TIMESTAMP.exec(text);
  if (!match) return text;
  const [, date, time, fraction = '', offsetHours = '+00', offsetMinutes = '00'] = match;
  const millis = fraction.padEnd(3, '0').slice(0, 3);
  const parsed = new Date(`${date}T${time}.${millis}${offsetHours}:${offsetMinutes}`);
  return Number.isNaN(parsed.getTime()) ? text : parsed.toISOString();
}

/**
 * bigint columns (count(*), sums) come back as numbers; a value beyond 2^53 stays a decimal
 * string instead of silently losing digits (PGlite would return a BigInt, which JSON rejects).
 */
export function parseInt8(text: string): number | string {
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : text;
}

/** `date` stays `YYYY-MM-DD`: turning it into a Date would shift it by the host's time zone. */
const keepText = (text: string): string => text;

export const valueParsers: ReadonlyMap<number, (text: string) => unknown> = new Map<number, (text: string) => unknown>([
  [OID.int8, parseInt8],
  [OID.date, keepText],
  [OID.timestamp, parseTimestamp],
  [OID.timestamptz, parseTimestamp],
]);

/** SQLSTATE 23505 on either backend: both errors carry PostgreSQL's `code`. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === '23505';
}
