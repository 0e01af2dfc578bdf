import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api, errorMessage } from '../api/client';
import type { FlowDetail, FlowIssue, Validation } from '../api/types';
import { nameProblem, starterFlow } from './flow-name';

const firstError = (issues: FlowIssue[]) => issues.find((i) => i.severity === 'error')?.message ?? 'The server refused this name.';

/** "New flow": a modal dialog with the name, checked as it is typed, that creates the flow and opens it. */
export function NewFlowDialog(props: { open: boolean; existing: readonly string[]; onClose: () => void; onCreated: (flow: FlowDetail) => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [name, setName] = useState('');
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const problem = nameProblem(name, props.existing);

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (props.open && !d.open) {
      setName('');
      setTouched(false);
      setError(null);
      d.showModal();
    } else if (!props.open && d.open) d.close();
  }, [props.open]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (problem) return;
    setBusy(true);
    setError(null);
    try {
      const source = starterFlow(name.trim());
      const checked = await api.post<Validation>('/flows/validate', source);
      if (!checked.valid) throw new Error(firstError(checked.issues));
      props.onCreated(await api.post<FlowDetail>('/flows', source));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  const shown = error ?? (touched ? problem : null);
  return (
    <dialog ref={dialog} onClose={props.onClose} aria-labelledby="new-flow-title">
      <form onSubmit={submit} noValidate>
        <h2 id="new-flow-title">New flow</h2>
        <label>
          Name
          <input
            autoFocus
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              setTouched(true);
              setError(null);
            }}
            placeholder="e.g. order-support"
            aria-invalid={shown ? true : undefined}
            aria-describedby="new-flow-error"
          />
          <span id="new-flow-error" className="field-error" role={shown ? 'alert' : undefined}>
            {shown}
          </span>
        </label>
        <p className="small muted">It starts as a small draft (a greeting, one intent, an end) that you edit, try and publish.</p>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy || (touched && problem !== null)}>
            {busy ? 'Creating…' : 'Create'}
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
