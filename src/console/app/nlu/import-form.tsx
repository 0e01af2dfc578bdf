import { type FormEvent, useState } from 'react';
import { api, errorMessage } from '../api/client';
import { ErrorBanner } from '../ui/async';
import type { TrainingDataDetail } from './types';

type Format = 'rasa' | 'dialogflow';

/** Creates or replaces a document from a Rasa nlu.yml or a Dialogflow ES agent export (zip). */
export function ImportForm({ onImported }: { onImported: (name: string) => void }) {
  const [name, setName] = useState('');
  const [format, setFormat] = useState<Format>('rasa');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [warnings, setWarnings] = useState<string[]>([]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const body = format === 'rasa' ? await file.text() : new Blob([await file.arrayBuffer()], { type: 'application/zip' });
      const result = await api.post<{ trainingData: TrainingDataDetail; warnings: string[] }>(`/nlu/training-data/${encodeURIComponent(name)}/import?format=${format}`, body);
      setWarnings(result.warnings);
      onImported(result.trainingData.name);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card" aria-label="Import training data" onSubmit={(e) => void submit(e)}>
      <h2>Import</h2>
      <div className="actions">
        <label>
          Name <input value={name} onChange={(e) => setName(e.target.value.toLowerCase())} placeholder="banking" pattern="[a-z0-9][a-z0-9_\-]{0,63}" required />
        </label>
        <label>
          Format{' '}
          <select value={format} onChange={(e) => setFormat(e.target.value as Format)}>
            <option value="rasa">Rasa nlu.yml</option>
            <option value="dialogflow">Dialogflow ES export (.zip)</option>
          </select>
        </label>
        <label>
          File <input type="file" accept={format === 'rasa' ? '.yml,.yaml' : '.zip'} onChange={(e) => setFile(e.target.files?.[0] ?? null)} required />
        </label>
        <button type="submit" className="primary" disabled={busy || !file || !name}>
          {busy ? 'Importing…' : 'Import'}
        </button>
      </div>
      <p className="muted small">An import replaces the document of that name with a new revision.</p>
      {warnings.length > 0 ? (
        <div className="notice" role="status">
          Imported; skipped:
          <ul>
            {warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {error ? <ErrorBanner error={error} /> : null}
    </form>
  );
}
