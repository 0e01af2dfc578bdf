/**
 * Dotted paths (`vars.order.id`, `items.0`) over plain JSON. Reads never throw: a path that does
 * not exist reads as null, as DESIGN §4 requires of the scope.
 */

export type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function splitPath(path: string): string[] {
  return path.split('.').filter((part) => part.length > 0);
}

export function getPath(root: unknown, path: string | readonly string[]): unknown {
  const parts = typeof path === 'string' ? splitPath(path) : path;
  let current: unknown = root;
  for (const part of parts) {
    if (Array.isArray(current)) {
      const index = Number(part);
      current = Number.isInteger(index) ? current[index] : undefined;
    } else if (isObject(current) && Object.hasOwn(current, part)) {
      current = current[part];
    } else {
      return null;
    }
    if (current === undefined) return null;
  }
  return current ?? null;
}

/** Sets `parts` under `root`, creating objects on the way; a non-object in the way is replaced. */
export function setPath(root: JsonObject, parts: readonly string[], value: unknown): void {
  let current = root;
  parts.slice(0, -1).forEach((part) => {
    const next = current[part];
    if (!isObject(next)) current[part] = {};
    current = current[part] as JsonObject;
  });
  const last = parts[parts.length - 1];
  if (last !== undefined) current[last] = value;
}

export function unsetPath(root: JsonObject, parts: readonly string[]): void {
  const parent = getPath(root, parts.slice(0, -1));
  const last = parts[parts.length - 1];
  if (isObject(parent) && last !== undefined) delete parent[last];
}

/** Roots an action may write to; everything else in the scope is derived from the turn. */
export const WRITABLE_ROOTS = ['vars', 'slots', 'user'] as const;
export type WritableRoot = (typeof WRITABLE_ROOTS)[number];

export function parseWritablePath(path: string): { root: WritableRoot; rest: string[] } | null {
  const [root, ...rest] = splitPath(path);
  const known = WRITABLE_ROOTS.find((candidate) => candidate === root);
  return known && rest.length > 0 ? { root: known, rest } : null;
}

/** Structural equality over JSON values; numbers compare by value whatever their JS type. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a === 'number' || typeof a === 'bigint') {
    return (typeof b === 'number' || typeof b === 'bigint') && Number(a) === Number(b);
  }
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => deepEqual(a[key], b[key]));
  }
  return false;
}
