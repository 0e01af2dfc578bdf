const REDACTED = '[redacted]';
/** Shorter values would blank out ordinary words; secrets are never that short in practice. */
const MIN_LENGTH = 4;

/**
 * Replaces every occurrence of the given secret values (and their URL-encoded forms) inside a result or error before it reaches a trace, a log or an API response: a service
 * that echoes our Authorization header back must not leak it into the conversation's trace.
 */
export function createRedactor(values: readonly string[]): <T>(value: T) => T {
  const needles = [...new Set(values.filter((v) => v.length >= MIN_LENGTH).flatMap((v) => [v, encodeURIComponent(v)]))].sort((a, b) => b.length - a.length);
  if (needles.length === 0) return (value) => value;

  const redactText = (text: string): string => needles.reduce((out, needle) => out.split(needle).join(REDACTED), text);
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return redactText(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    return value;
  };
  return <T>(value: T) => walk(value) as T;
}
