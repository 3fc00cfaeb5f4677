/**
 * Store values for charts, throttled, staggered, and paused off-screen.
 *
 * Recharts renders synchronously (its internal store updates from effects),
 * so a chart update cannot be time-sliced. Instead, while training, each
 * chart follows the store at most every LIVE_MS, in its own slot of that
 * period, so updates land in separate short tasks (the first of a run, or
 * after a quiet spell, comes at once, a frame per slot apart);
 * a chart scrolled out of view does not update at all until it comes back. When training is not
 * running, values follow at once (still one task per slot).
 */
import { useEffect, useRef, useState, type RefObject } from 'react';
import { labStore, type LabState } from '../state/store';

export const LIVE_MS = 600;
const SLOTS = 8;

export function useLive<T>(selector: (s: LabState) => T, slot: number, visible = true): T {
  const [value, setValue] = useState(() => selector(labStore.getState()));
  const sel = useRef(selector);
  sel.current = selector;
  const shown = useRef(visible);
  shown.current = visible;
  const stale = useRef(false);
  const apply = useRef(() => {});
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let last = 0;
    apply.current = () => {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      stale.current = false;
      last = performance.now();
      setValue(() => sel.current(labStore.getState()));
    };
    const unsubscribe = labStore.subscribe((s, prev) => {
      const running = s.training.state === 'running';
      if (running && prev.training.state !== 'running') last = 0; // a run (re)starts: its first points show at once
      if (timer !== null && !running && prev.training.state === 'running') {
        // Training stopped: show the final values now rather than at this chart's next slot.
        clearTimeout(timer);
        timer = setTimeout(() => apply.current(), slot * 24);
        return;
      }
      // A chart left stale while off-screen catches up once training stops, even if nothing else changes.
      if (timer !== null || (sel.current(s) === sel.current(prev) && !(stale.current && !running))) return;
      if (running && !shown.current) {
        stale.current = true; // caught up when it scrolls back into view
        return;
      }
      const now = performance.now();
      let wait = slot * 24; // a frame apart even when idle: Recharts flushes its updates per animation frame
      if (running && now - last < LIVE_MS) {
        // The next start of this slot, at least LIVE_MS after the last update. (The first update of a
        // run, or after a longer quiet, comes a frame per slot apart: the curve starts at once.)
        const phase = (slot % SLOTS) * (LIVE_MS / SLOTS);
        const earliest = Math.max(now, last + LIVE_MS);
        wait = earliest - now + ((phase - (earliest % LIVE_MS) + LIVE_MS) % LIVE_MS);
      }
      timer = setTimeout(() => apply.current(), wait);
    });
    apply.current();
    return () => {
      unsubscribe();
      if (timer !== null) clearTimeout(timer);
    };
  }, [slot]);
  useEffect(() => {
    if (visible && stale.current) apply.current();
  }, [visible]);
  return value;
}

/** Whether an element is on screen (or near it). */
export function useInView(ref: RefObject<Element | null>): boolean {
  const [inView, setInView] = useState(true);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof IntersectionObserver === 'undefined') return;
    const io = new IntersectionObserver(([entry]) => setInView(entry?.isIntersecting ?? true), { rootMargin: '200px' });
    io.observe(el);
    return () => io.disconnect();
  }, [ref]);
  return inView;
}
