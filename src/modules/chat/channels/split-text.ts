/**
 * Splits a text into parts of at most `limit` characters, preferring paragraph, line, sentence
 * and word boundaries, so that a long reply arrives as several readable messages.
 */
export function splitText(text: string, limit: number): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > limit) {
    const window = rest.slice(0, limit + 1);
    const cut = bestCut(window, limit);
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}

function bestCut(window: string, limit: number): number {
  // A boundary in the first half would leave tiny parts; past it, the latest boundary wins.
  const minimum = Math.floor(limit / 2);
  for (const separator of ['\n\n', '\n', '. ', ' ']) {
    const at = window.lastIndexOf(separator, limit - separator.length);
    if (at >= minimum) return at + separator.length;
  }
  // No boundary: cut at the limit, but never between the two halves of a surrogate pair.
  const code = window.charCodeAt(limit - 1);
  return code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
}
