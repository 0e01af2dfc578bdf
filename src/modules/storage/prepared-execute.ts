import pg from 'pg';

/**
 * A statement run as a simple query (`PREPARE` once, then `EXECUTE name(literals)`) so that it can
 * share one message with a setup script: PostgreSQL runs the message as one implicit transaction.
 * Both backends use it for `queryAsTenant`.
 */

/** pg's own conversion of a parameter to its text (untyped in @types/pg, exported by pg as `utils`). */
const prepareValue = (pg as unknown as { utils: { prepareValue(value: unknown): string | Buffer | null } }).utils.prepareValue;

/** The dollar-quote tag of literals. A text holding it, or ending in all of it but its last `$` (which would close the quote early), is escaped instead. */
const TAG = '$mcp$';
const TAG_START = TAG.slice(0, -1);

/**
 * A parameter as an SQL literal of unknown type, which PostgreSQL reads with the parameter's input
 * function: the text pg would send for it in the extended protocol, dollar-quoted, so that it goes
 * into the query as it is (a turn's batch is kilobytes of JSON, and escaping copied it all once
 * more); escaped in E'' quotes when it holds the tag. Null when the text holds a NUL.
 */
function literal(value: unknown): string | null {
  const text = prepareValue(value);
  if (text === null) return 'NULL';
  const raw = typeof text === 'string' ? text : `\\x${text.toString('hex')}`;
  if (raw.includes('\0')) return null;
  if (!raw.includes(TAG) && !raw.endsWith(TAG_START)) return TAG + raw + TAG;
  return `E'${raw.replace(/['\\]/g, '$&$&')}'`;
}

/**
 * Names for prepared statements, one per text (the same on every connection), starting with
 * `prefix`. `PREPARE`d statements and the protocol's named ones share one namespace per
 * connection, so each kind takes its own prefix: a text may be prepared both ways on one connection.
 */
export function statementNames(prefix: string): (text: string) => string {
  const names = new Map<string, string>();
  return (text) => {
    let name = names.get(text);
    if (!name) names.set(text, (name = `${prefix}${names.size + 1}`));
    return name;
  };
}

/** Names of `PREPARE`d texts. */
export const preparedName = statementNames('mcp_sql_');

export const prepareText = (name: string, text: string): string => `PREPARE ${name} AS ${text}`;

/**
 * `setup`, then the prepared statement with `params`, as one simple query; null when a parameter's
 * text holds a NUL (anywhere, an array's element too), which cannot travel inside a query's text:
 * such a statement must go the extended way, where PostgreSQL refuses it as it should. The text is
 * concatenated piece by piece (no `join`, no checks of the joined text): V8 then copies the
 * kilobytes of a batch once, when the driver encodes the query, instead of three times.
 */
export function executeAfter(setup: string, name: string, params: readonly unknown[]): string | null {
  let text = `${setup}; EXECUTE ${name}`;
  for (let i = 0; i < params.length; i += 1) {
    const value = literal(params[i]);
    if (value === null) return null;
    text += (i === 0 ? '(' : ', ') + value;
  }
  return params.length > 0 ? `${text})` : text;
}
