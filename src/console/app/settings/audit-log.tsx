import { useState } from 'react';
import { api } from '../api/client';
import type { AuditRecord } from '../api/types';
import { AsyncView, Empty, formatTime, useAsync } from '../ui/async';

export function AuditLog() {
  const [action, setAction] = useState('');
  const [applied, setApplied] = useState('');
  const entries = useAsync(() => api.get<{ entries: AuditRecord[] }>(`/audit?limit=200${applied ? `&action=${encodeURIComponent(applied)}` : ''}`).then((r) => r.entries), [applied]);
  return (
    <section>
      <form className="inline-form" onSubmit={(e) => { e.preventDefault(); setApplied(action.trim()); }}>
        <input placeholder="Action, e.g. flow.publish" value={action} onChange={(e) => setAction(e.target.value)} aria-label="Action" />
        <button type="submit">Filter</button>
      </form>
      <AsyncView state={entries} what="the audit log">
        {(list) =>
          list.length === 0 ? (
            <Empty title="Nothing recorded">Changes to flows, keys, users and settings are listed here.</Empty>
          ) : (
            <table className="table">
              <thead>
                <tr><th>When</th><th>Action</th><th>Target</th><th>Who</th><th>From</th></tr>
              </thead>
              <tbody>
                {list.map((a) => (
                  <tr key={a.id}>
                    <td>{formatTime(a.at)}</td>
                    <td><code>{a.action}</code></td>
                    <td>{a.target ?? ''}</td>
                    <td>{a.actorType}{a.actorId ? ` ${a.actorId.slice(0, 8)}` : ''}</td>
                    <td>{a.ip ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </AsyncView>
    </section>
  );
}
