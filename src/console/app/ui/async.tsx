import { type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api/client';

export type AsyncState<T> = { status: 'loading' } | { status: 'error'; error: string } | { status: 'ready'; data: T };

/** Loads data for a view; `reload()` fetches again and keeps showing the old data meanwhile. */
export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): AsyncState<T> & { reload: () => void } {
  const [state, setState] = useState<AsyncState<T>>({ status: 'loading' });
  const [tick, setTick] = useState(0);
  const loader = useRef(load);
  loader.current = load;
  useEffect(() => {
    let live = true;
    loader.current().then(
      (data) => live && setState({ status: 'ready', data }),
      (error: unknown) => live && setState({ status: 'error', error: errorMessage(error) }),
    );
    return () => {
      live = false;
    };
    // The caller names what the load depends on, as with useEffect itself.
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

export function Loading({ what }: { what: string }) {
  return (
    <div className="loading" role="status">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <strong>{title}</strong>
      {children ? <div>{children}</div> : null}
    </div>
  );
}

export function ErrorBanner({ error, onRetry }: { error: string; onRetry?: () => void }) {
  return (
    <div className="error-banner" role="alert">
      <span>{error}</span>
      {onRetry ? (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}

/** Renders loading, error (with retry) or the data, the way every page of the console does. */
export function AsyncView<T>(props: { state: AsyncState<T> & { reload: () => void }; what: string; children: (data: T) => ReactNode }) {
  const { state } = props;
  switch (state.status) {
    case 'loading':
      return <Loading what={props.what} />;
    case 'error':
      return <ErrorBanner error={state.error} onRetry={state.reload} />;
    case 'ready':
      return <>{props.children(state.data)}</>;
  }
}

export const formatTime = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');
