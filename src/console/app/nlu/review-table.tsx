import { useState } from 'react';
import { api, errorMessage } from '../api/client';
import { Empty, ErrorBanner, formatTime } from '../ui/async';
import type { ReviewItem, TrainingDataDetail } from './types';

/** One unsure message with the intent picker (the classifier's best guess first) and its one-click add. */
function ReviewRow(props: { item: ReviewItem; intents: string[]; disabled: boolean; onAdd: (intent: string) => void }) {
  const { item } = props;
  const [intent, setIntent] = useState(item.suggestedIntent ?? props.intents[0] ?? '');
  return (
    <tr>
      <td>{item.text}</td>
      <td>{item.count}</td>
      <td>{item.confidence === null ? '—' : `${Math.round(item.confidence * 100)}%`}</td>
      <td className="small">{formatTime(item.lastAt)}</td>
      <td>
        <div className="actions">
          <select aria-label={`Intent for “${item.text}”`} value={intent} onChange={(e) => setIntent(e.target.value)}>
            {props.intents.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
          <button type="button" disabled={props.disabled || !intent} onClick={() => props.onAdd(intent)}>
            Add as example
          </button>
        </div>
      </td>
    </tr>
  );
}

/** Messages the NLU was unsure about; adding one makes a new revision of the document. */
export function ReviewTable(props: { document: TrainingDataDetail; items: ReviewItem[]; canWrite: boolean; onAdded: () => void }) {
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const intents = Object.keys(props.document.document.intents).sort();

  async function add(text: string, intent: string) {
    setBusy(true);
    setError(null);
    try {
      const next = await api.post<TrainingDataDetail>(`/nlu/training-data/${encodeURIComponent(props.document.name)}/examples`, { intent, text, revision: props.document.revision });
      setNotice(`“${text}” is now an example of ${intent} (revision ${next.revision}).`);
      props.onAdded();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-label="Messages to review">
      <h2>Messages to review</h2>
      <p className="muted small">Fallbacks and low-confidence messages from the last 30 days of conversations, most frequent first.</p>
      {notice ? <p className="notice" role="status">{notice}</p> : null}
      {error ? <ErrorBanner error={error} /> : null}
      {props.items.length === 0 ? (
        <Empty title="Nothing to review">Every recent message was understood, or is already an example.</Empty>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Message</th>
              <th>Times</th>
              <th>Confidence</th>
              <th>Last seen</th>
              <th>{props.canWrite ? 'Add to intent' : 'Intent'}</th>
            </tr>
          </thead>
          <tbody>
            {props.items.map((item) => (
              <ReviewRow key={item.text} item={item} intents={intents} disabled={busy || !props.canWrite} onAdd={(intent) => void add(item.text, intent)} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
