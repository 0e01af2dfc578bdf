import pg from 'pg';

/**
 * A statement run as a simple query (`PREPARE` once, then `EXECUTE name(literals)`) so that it can
 * share one message with a setup script: PostgreSQL runs the message as one implicit transaction.
 * Both backends use it for `queryAsTenant`.
 */

/** pg's own conversion of a parameter to its text (untyped in @types/pg, exported by pg as `utils`). */
const prepareValue = (pg as unknown as { utils: { prepareValue(value: unknown): string | Buffer | null } }).utils.prepareValue;

/**
 * A parameter as an SQL literal of unknown type, which PostgreSQL reads with the parameter's input
 * function: the text pg would send for it in the extended protocol, quoted (E'' quotes backslashes
 * too, whatever standard_conforming_strings says).
 */
function literal(value: unknown): string {
  const text = prepareValue(value);
  if (text === null) return 'NULL';
  const raw = typeof text === 'string' ? text : `\\x${text.toString('hex')}`;
  return `E'${raw.replace(/['\\]/g, '$&$&')}'`;
}

/** A NUL cannot travel inside a simple query's text: such parameters must go the extended way, where PostgreSQL refuses them as it should. */
export const holdsNul = (params: readonly unknown[]): boolean => params.some((p) => typeof p === 'string' && p.includes('\0'));

/** Names given to `PREPARE`d texts (a namespace shared with the protocol's named statements): one per text, for every connection. */
const names = new Map<string, string>();

export function preparedName(text: string): string {
  let name = names.get(text);
  if (!name) names.set(text, (name = `mcp_sql_${names.size + 1}`));
  return name;
}

export const prepareText = (name: string, text: string): string => `PREPARE ${name} AS ${text}`;

/** `setup`, then the prepared statement with `params`, as one simple query. */
export const executeAfter = (setup: string, name: string, params: readonly unknown[]): string =>
  `${setup}; EXECUTE ${name}${params.length > 0 ? `(${params.map(literal).join(', ')})` : ''}`;
