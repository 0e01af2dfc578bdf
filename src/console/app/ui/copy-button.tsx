import { useState } from 'react';

/** Copies a value to the clipboard and says so; where the clipboard is refused, the value stays selectable. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      setCopied(false);
    }
  }
  return (
    <button type="button" onClick={() => void copy()}>
      {copied ? 'Copied' : label}
    </button>
  );
}
