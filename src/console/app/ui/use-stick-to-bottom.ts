import { type RefObject, useCallback, useLayoutEffect, useRef } from 'react';

/**
 * Keeps a scrolling box at its newest (bottom) content: on the first draw and whenever `latest`
 * changes, unless the reader has scrolled up to read older lines.
 */
export function useStickToBottom(latest: unknown): { ref: RefObject<HTMLDivElement | null>; onScroll: () => void } {
  const ref = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [latest]);
  const onScroll = useCallback(() => {
    const el = ref.current;
    if (el) pinned.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 24;
  }, []);
  return { ref, onScroll };
}
