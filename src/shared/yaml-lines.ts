import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';

/**
 * Where a validation issue's `path` (`states.ask.transitions[0].to`) sits in YAML (or JSON) text,
 * from the `yaml` package's node ranges: the engine adds it to the issues it reports, and the
 * console's editor places issues on the text being typed. A key that holds a dot
 * (`set: {vars.goal: x}`) is found by joining segments when the plain split finds nothing.
 */
export function splitPath(path: string): (string | number)[] {
  const parts: (string | number)[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (match[2] !== undefined) parts.push(Number(match[2]));
    else if (match[1] !== undefined) parts.push(match[1]);
  }
  return parts;
}

export interface YamlLocator {
  /** 1-based line of the node at `path`, or of its deepest existing ancestor; null if nothing matches. */
  lineOf(path: string): number | null;
}

export function locateYaml(text: string): YamlLocator {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: false, uniqueKeys: false });
  const lineAt = (offset: number) => lineCounter.linePos(offset).line;

  return {
    lineOf(path) {
      const parts = splitPath(path);
      let node: unknown = doc.contents;
      let line: number | null = node && (node as Node).range ? lineAt((node as Node).range![0]) : null;
      if (parts.length === 0) return line ?? 1;
      let i = 0;
      while (i < parts.length) {
        const part = parts[i]!;
        if (isSeq(node) && typeof part === 'number') {
          const item = node.items[part];
          if (!item) break;
          node = item;
          if ((item as Node).range) line = lineAt((item as Node).range![0]);
          i += 1;
          continue;
        }
        if (!isMap(node) || typeof part !== 'string') break;
        const map = node;
        // The longest run of segments that names a key wins (keys may contain dots).
        let found = false;
        for (let j = parts.length; j > i && !found; j -= 1) {
          const run = parts.slice(i, j);
          if (run.some((p) => typeof p === 'number')) continue;
          const key = run.join('.');
          const pair = map.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === key);
          if (!pair) continue;
          const keyNode = pair.key as Node;
          if (keyNode.range) line = lineAt(keyNode.range[0]);
          node = pair.value;
          i = j;
          found = true;
        }
        if (!found) break;
      }
      return line;
    },
  };
}
