/**
 * A stored credential only ever goes where it was entered for. Someone allowed to edit a setting
 * but not to read its secrets could otherwise re-point it at their own server and receive them:
 * an update that changes where a kept secret is sent must carry that secret again.
 */

/** Who receives what is sent to this URL: its scheme, host and port (the path does not change that). */
export function urlDestination(url: string | null | undefined): string {
  if (!url) return '';
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** The kept secrets to ask for again: all of them when any destination changed, none otherwise. */
export function secretsToReenter(change: { before: readonly string[]; after: readonly string[]; kept: readonly string[] }): string[] {
  const { before, after } = change;
  const moved = before.length !== after.length || before.some((destination, i) => destination !== after[i]);
  return moved ? [...change.kept] : [];
}
