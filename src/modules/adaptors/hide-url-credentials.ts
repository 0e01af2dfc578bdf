/** The scheme and the user info of an http(s) URL, up to the last `@` before the path (passwords may hold one). */
const USER_INFO = /^(https?:\/\/)[^/?#]*@/i;

/**
 * Integrations saved before URLs with credentials were refused may still hold some: the API never
 * shows them (calls refuse such URLs too, so the builder is told to move them to the auth settings).
 */
export function hideUrlCredentials(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(USER_INFO, '$1[redacted]@');
  if (Array.isArray(value)) return value.map(hideUrlCredentials);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, hideUrlCredentials(item)]));
  return value;
}
