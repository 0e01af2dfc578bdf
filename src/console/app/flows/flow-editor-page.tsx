import { useEffect, useRef, useState } from 'react';
import { api, errorMessage, seg } from '../api/client';
import type { FlowDetail, PlaygroundTurn } from '../api/types';
import { AsyncView, ErrorBanner, useAsync } from '../ui/async';
import { Link } from '../ui/router';
import { visitedStates } from '../ui/trace-view';
import { FlowGraph } from './flow-graph';
import { TryPanel } from './try-panel';
import { type ValidationState, useValidation } from './use-validation';
import { VersionsPanel } from './versions-panel';
import { YamlEditor, type YamlEditorHandle } from './yaml-editor';

type Tab = 'graph' | 'try' | 'versions';

/** What the signed-in role may do here; the console hides what the API would refuse. */
interface Abilities {
  write: boolean;
  publish: boolean;
  run: boolean;
}

export function FlowEditorPage({ flowId, permissions }: { flowId: string; permissions: string[] }) {
  const flow = useAsync(() => api.get<FlowDetail>(`/flows/${seg(flowId)}`), [flowId]);
  const can: Abilities = {
    write: permissions.includes('flows:write'),
    publish: permissions.includes('flows:publish'),
    run: permissions.includes('flows:run') || permissions.includes('flows:write'),
  };
  return (
    <AsyncView state={flow} what="the flow">
      {(data) => <FlowEditor key={data.id} initial={data} can={can} />}
    </AsyncView>
  );
}

function ValidationStatus({ validation }: { validation: ValidationState }) {
  switch (validation.status) {
    case 'checking':
      return <span className="badge">Checking…</span>;
    case 'failed':
      return <span className="badge bad">Could not check: {validation.error}</span>;
    case 'done': {
      const errors = validation.issues.filter((i) => i.severity === 'error').length;
      const warnings = validation.issues.length - errors;
      if (!validation.valid) return <span className="badge bad">{errors} error{errors === 1 ? '' : 's'}</span>;
      return <span className="badge ok">Valid{warnings ? ` · ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}</span>;
    }
  }
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

function FlowEditor({ initial, can }: { initial: FlowDetail; can: Abilities }) {
  const [flow, setFlow] = useState(initial);
  const [text, setText] = useState(initial.source);
  const [tab, setTab] = useState<Tab>('graph');
  const [busy, setBusy] = useState<string | null>(null);
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [lastTurn, setLastTurn] = useState<PlaygroundTurn | null>(null);
  const editor = useRef<YamlEditorHandle>(null);
  const { validation, problems, definition } = useValidation(text);
  const dirty = text !== flow.source;
  const invalid = validation.status === 'done' && !validation.valid;
  const savedWithErrors = (flow.errors?.length ?? 0) > 0;
  const tabs = (['graph', 'try', 'versions'] as const).filter((t) => t !== 'try' || can.run);

  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      if (dirty) event.preventDefault();
    };
    addEventListener('beforeunload', warn);
    return () => removeEventListener('beforeunload', warn);
  }, [dirty]);

  async function run<T>(label: string, action: () => Promise<T>, done: (result: T) => string): Promise<boolean> {
    setBusy(label);
    setNotice(null);
    try {
      setNotice({ kind: 'ok', text: done(await action()) });
      return true;
    } catch (e) {
      setNotice({ kind: 'error', text: errorMessage(e) });
      return false;
    } finally {
      setBusy(null);
    }
  }

  const reload = async () => setFlow(await api.get<FlowDetail>(`/flows/${seg(flow.id)}`));
  // Work in progress may be saved with errors; only publishing needs a valid flow.
  const save = () =>
    run(
      'save',
      async () => {
        const saved = await api.put<FlowDetail>(`/flows/${seg(flow.id)}?allowErrors=true`, text);
        setFlow(saved);
        return saved.errors?.length ?? 0;
      },
      (errors) => (errors ? `Draft saved with ${plural(errors, 'error')}; fix them before publishing.` : 'Draft saved.'),
    );
  const publish = () =>
    run(
      'publish',
      async () => {
        if (dirty) setFlow(await api.put<FlowDetail>(`/flows/${seg(flow.id)}`, text));
        // (without allowErrors: a draft with errors is refused here rather than saved and then not published)
        const result = await api.post<{ version: number }>(`/flows/${seg(flow.id)}/publish`);
        await reload();
        return result;
      },
      (r) => `Published version ${r.version}.`,
    );
  const makeDefault = () =>
    run('default', async () => { await api.post(`/flows/${seg(flow.id)}/default`); await reload(); }, () => 'New conversations now start on this flow.');
  const saveBeforeTry = async () => (dirty ? save() : true);

  return (
    <div className="flow-editor">
      <header className="page-header">
        <div>
          <Link to="/flows">Flows</Link> / <h1>{flow.name}</h1>
          {flow.isDefault ? <span className="badge ok">default</span> : null}
          <span className="badge">{flow.publishedVersion ? `published v${flow.publishedVersion}` : 'draft only'}</span>
          {dirty ? <span className="badge warn">unsaved changes</span> : null}
          {!dirty && savedWithErrors ? <span className="badge bad">saved with errors</span> : null}
          <ValidationStatus validation={validation} />
        </div>
        <div className="actions">
          {can.write ? (
            <button type="button" onClick={() => void save()} disabled={!dirty || busy !== null} title={invalid ? 'Saves the draft as it is; publishing waits until the errors are fixed' : ''}>
              {busy === 'save' ? 'Saving…' : 'Save draft'}
            </button>
          ) : null}
          {can.publish ? (
            <button type="button" className="primary" onClick={() => void publish()} disabled={invalid || (!dirty && savedWithErrors) || busy !== null || (dirty && !can.write)} title={invalid ? 'Fix the errors to publish' : ''}>
              {busy === 'publish' ? 'Publishing…' : 'Publish'}
            </button>
          ) : null}
          {can.publish ? (
            <button type="button" onClick={() => void makeDefault()} disabled={flow.isDefault || flow.publishedVersion === null || busy !== null} title={flow.publishedVersion === null ? 'Publish the flow first' : ''}>
              Make default
            </button>
          ) : null}
        </div>
      </header>
      {notice ? notice.kind === 'ok' ? <div className="notice" role="status">{notice.text}</div> : <ErrorBanner error={notice.text} /> : null}
      <div className="split">
        <div className="left">
          <YamlEditor ref={editor} value={text} onChange={setText} problems={problems} readOnly={!can.write} />
          <div className="problems" aria-label="Problems">
            {validation.status === 'done' && validation.issues.length === 0 ? <div className="muted">No problems.</div> : null}
            {validation.status === 'done'
              ? validation.issues.map((issue, i) => (
                  <button type="button" key={i} className={`problem ${issue.severity}`} onClick={() => issue.at && editor.current?.goToLine(issue.at)} data-line={issue.at ?? ''}>
                    <span className="where">{issue.at ? `Line ${issue.at}` : 'Flow'}</span> <code>{issue.path || '(root)'}</code> {issue.message}
                  </button>
                ))
              : null}
          </div>
        </div>
        <div className="right">
          <div className="tabs" role="tablist">
            {tabs.map((t) => (
              <button type="button" role="tab" key={t} aria-selected={tab === t} className={tab === t ? 'active' : ''} onClick={() => setTab(t)}>
                {t === 'graph' ? 'Graph' : t === 'try' ? 'Try it' : `Versions (${flow.versions.length})`}
              </button>
            ))}
          </div>
          <div className={tab === 'graph' ? 'graph-pane' : 'hidden'}>
            <FlowGraph definition={definition} visited={lastTurn ? visitedStates(lastTurn.trace) : []} current={lastTurn?.state ?? null} />
          </div>
          {can.run ? (
            <div className={tab === 'try' ? '' : 'hidden'}>
              <TryPanel flowId={flow.id} beforeSend={saveBeforeTry} onTurn={setLastTurn} />
            </div>
          ) : null}
          {tab === 'versions' ? <VersionsPanel flow={flow} onRestore={(source) => { setText(source); setTab('graph'); }} /> : null}
        </div>
      </div>
    </div>
  );
}
