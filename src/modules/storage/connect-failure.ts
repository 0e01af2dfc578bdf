/**
 * Why a connection at start failed, in words that point at the fix, with the driver's own message
 * kept: "database does not exist", "role does not exist" and "nothing listens on that port" need
 * different fixes, and a bare "cannot connect" hides which one applies.
 */

interface Coded {
  code?: string;
  message: string;
}

/** The innermost error that carries a code (outage wrappers and Node's AggregateError hide it). */
function rootCause(error: unknown): Coded {
  let current: unknown = error;
  let found: Coded | null = null;
  for (let depth = 0; current instanceof Error && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' || !found) found = { code: typeof code === 'string' ? code : undefined, message: messageOf(current) };
    current = (current as { cause?: unknown }).cause;
  }
  return found ?? { message: String(error) };
}

// Node reports a refused connection to a name with several addresses (localhost) as an AggregateError with no message.
function messageOf(error: Error): string {
  if (error.message) return error.message;
  const inner = error instanceof AggregateError ? error.errors.find((e): e is Error => e instanceof Error && e.message !== '') : undefined;
  return inner?.message ?? error.name;
}

function where(url: URL, defaultPort: string): string {
  return `${url.hostname || 'localhost'}:${url.port || defaultPort}`;
}

function networkCause(cause: Coded, url: URL, setting: string, server: string, defaultPort: string): string | null {
  switch (cause.code) {
    case 'ECONNREFUSED':
      return `nothing accepts connections at ${where(url, defaultPort)} (${setting}): is ${server} running, and on that port?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host '${url.hostname}' in ${setting} cannot be resolved: check its spelling`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
      return `${where(url, defaultPort)} (${setting}) does not answer: check the host, the port and any firewall`;
    default:
      return null;
  }
}

export function describePostgresFailure(databaseUrl: string, error: unknown): string {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.slice(1)) || url.username || 'postgres';
  const user = decodeURIComponent(url.username) || 'the default user';
  const cause = rootCause(error);
  const hint =
    networkCause(cause, url, 'DATABASE_URL', 'PostgreSQL', '5432') ??
    (cause.code === '3D000'
      ? `the database '${database}' does not exist on ${where(url, '5432')}: create it with \`createdb -h ${url.hostname || 'localhost'} -p ${url.port || '5432'}${url.username ? ` -U ${user}` : ''} ${database}\` (the engine creates its tables)`
      : cause.code === '28000' || cause.code === '28P01'
        ? `PostgreSQL at ${where(url, '5432')} refuses the user '${user}': check the user and password in DATABASE_URL (or create the role with \`createuser\`)`
        : `cannot connect to PostgreSQL at ${where(url, '5432')} (DATABASE_URL)`);
  return `storage: ${hint} — PostgreSQL said: ${cause.message}`;
}

export function describeRedisFailure(redisUrl: string, error: unknown): string {
  const url = new URL(redisUrl);
  const cause = rootCause(error);
  const auth = /NOAUTH|WRONGPASS|invalid password|invalid username/i.test(cause.message);
  const hint =
    networkCause(cause, url, 'REDIS_URL', 'Redis', '6379') ??
    (auth
      ? `Redis at ${where(url, '6379')} refuses the credentials: check the user and password in REDIS_URL`
      : `cannot connect to Redis at ${where(url, '6379')} (REDIS_URL)`);
  return `storage: ${hint} — Redis said: ${cause.message}`;
}
