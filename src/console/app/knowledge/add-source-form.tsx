import { useState } from 'react';
import { api, errorMessage } from '../api/client';
import { ErrorBanner } from '../ui/async';

const KIND_OF_FILE: Record<string, 'markdown' | 'text' | 'html' | 'pdf'> = { md: 'markdown', markdown: 'markdown', txt: 'text', html: 'html', htm: 'html', pdf: 'pdf' };

/** Reads a file as the API wants it: text, or base64 for a PDF. */
async function bodyFor(file: File): Promise<Record<string, string>> {
  const extension = file.name.split('.').pop()?.toLowerCase() ?? '';
  const kind = KIND_OF_FILE[extension];
  if (!kind) throw new Error('Upload a Markdown (.md), text (.txt), HTML (.html) or PDF (.pdf) file.');
  if (kind !== 'pdf') return { kind, name: file.name, content: await file.text() };
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { kind, name: file.name, contentBase64: btoa(binary) };
}

/** Upload a document or add a URL; the source is indexed before the form says it is done. */
export function AddSourceForm({ onAdded }: { onAdded: () => void }) {
  const [url, setUrl] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function add(body: Promise<Record<string, string>>) {
    setBusy(true);
    setError(null);
    try {
      await api.post('/knowledge/sources', await body);
      setUrl('');
      onAdded();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="card">
      <label>
        Upload a document{' '}
        <input type="file" accept=".md,.markdown,.txt,.html,.htm,.pdf" disabled={busy} onChange={(e) => e.target.files?.[0] && void add(bodyFor(e.target.files[0]))} />
      </label>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void add(Promise.resolve({ kind: 'url', url }));
        }}
      >
        <label>
          or a page URL <input type="url" value={url} placeholder="https://example.com/faq" onChange={(e) => setUrl(e.target.value)} disabled={busy} />
        </label>{' '}
        <button type="submit" disabled={busy || !url}>
          Add URL
        </button>
      </form>
      {busy ? <p className="small">Reading and indexing…</p> : null}
      {error ? <ErrorBanner error={error} /> : null}
    </div>
  );
}
