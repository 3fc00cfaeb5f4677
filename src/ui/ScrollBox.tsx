/**
 * A box that scrolls sideways when its content is wider than it (a table, a
 * formula), with a visible cue (shadows at the edge that hides more). Only
 * while it really scrolls is it a named, focusable region, so keyboard users
 * can scroll it and nothing else gains a tab stop.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';

export function ScrollBox({ label, className = '', children }: { label: string; className?: string; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrolls, setScrolls] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const check = () => setScrolls(el.scrollWidth > el.clientWidth + 1);
    const ro = new ResizeObserver(check);
    ro.observe(el);
    if (el.firstElementChild) ro.observe(el.firstElementChild);
    check();
    return () => ro.disconnect();
  }, []);
  return (
    <div ref={ref} className={`scroll-box ${className}`} data-scrolls={scrolls || undefined} {...(scrolls && { tabIndex: 0, role: 'region', 'aria-label': label })}>
      {children}
    </div>
  );
}
