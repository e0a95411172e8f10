import { useCallback, useEffect, useLayoutEffect, useState, type RefObject } from 'react';

/**
 * Windowing for fixed-height rows: only the rows in view (plus `overscan`) are rendered, so lists of
 * 10,000 integrations or 1,000 subaccounts scroll smoothly. The container scrolls; the caller renders
 * rows from `start` to `end` and pads with `padTop`/`padBottom`.
 */
export function useWindow(ref: RefObject<HTMLElement | null>, count: number, rowHeight: number, overscan = 8, fallbackHeight = 600) {
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(fallbackHeight);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setHeight(el.clientHeight || fallbackHeight);
    measure();
    const onScroll = () => setScrollTop(el.scrollTop);
    el.addEventListener('scroll', onScroll, { passive: true });
    const ro = typeof ResizeObserver !== 'undefined' ? new ResizeObserver(measure) : null;
    ro?.observe(el);
    return () => {
      el.removeEventListener('scroll', onScroll);
      ro?.disconnect();
    };
  }, [ref, fallbackHeight]);

  // When the list shrinks (a filter), keep the scroll position inside it.
  useEffect(() => {
    const el = ref.current;
    if (el && scrollTop > count * rowHeight) {
      el.scrollTop = 0;
      setScrollTop(0);
    }
  }, [count, rowHeight, ref, scrollTop]);

  const start = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const end = Math.min(count, Math.ceil((scrollTop + height) / rowHeight) + overscan);

  /** Scrolls so that row `index` is visible (keyboard navigation). */
  const scrollToIndex = useCallback(
    (index: number) => {
      const el = ref.current;
      if (!el) return;
      const top = index * rowHeight;
      const headerOffset = Number(el.dataset.headerHeight ?? 0);
      if (top < el.scrollTop) el.scrollTop = top;
      else if (top + rowHeight > el.scrollTop + el.clientHeight - headerOffset) el.scrollTop = top + rowHeight - el.clientHeight + headerOffset;
    },
    [ref, rowHeight],
  );

  return { start, end, padTop: start * rowHeight, padBottom: (count - end) * rowHeight, total: count * rowHeight, scrollToIndex };
}
