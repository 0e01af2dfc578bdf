import { useState } from 'react';
import { api, seg } from '../api/client';
import type { FlowDetail, FlowVersion } from '../api/types';
import { AsyncView, Empty, formatTime, useAsync } from '../ui/async';

/** Published versions, newest first; one can be viewed and copied back into the draft. */
export function VersionsPanel(props: { flow: FlowDetail; onRestore: (source: string) => void }) {
  const versions = [...props.flow.versions].reverse();
  const [open, setOpen] = useState<number | null>(versions[0]?.version ?? null);
  const version = useAsync(() => (open === null ? Promise.resolve(null) : api.get<FlowVersion>(`/flows/${seg(props.flow.id)}/versions/${open}`)), [props.flow.id, open]);
  if (versions.length === 0) return <Empty title="Not published yet">Publish the draft to create version 1; conversations start on published versions.</Empty>;
  return (
    <div className="versions">
      <ul className="version-list" aria-label="Versions">
        {versions.map((v) => (
          <li key={v.version}>
            <button type="button" className={open === v.version ? 'active' : ''} onClick={() => setOpen(v.version)}>
              v{v.version}
              {v.version === props.flow.publishedVersion ? ' (latest)' : ''} <span className="muted">{formatTime(v.publishedAt)}</span>
            </button>
          </li>
        ))}
      </ul>
      <AsyncView state={version} what="the version">
        {(data) =>
          data ? (
            <div>
              <div className="toolbar">
                <strong>Version {data.version}</strong>
                <button type="button" onClick={() => props.onRestore(data.source)}>
                  Copy into the draft
                </button>
              </div>
              <pre className="source">{data.source}</pre>
            </div>
          ) : null
        }
      </AsyncView>
    </div>
  );
}
