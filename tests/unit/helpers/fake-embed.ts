/**
 * A window as the embed API sees it, without a browser: the parent records
 * what the lab posts (and throws on a bad target origin, as browsers do),
 * messages are dispatched by hand, and animation frames run when the test says.
 * Its clock stands still unless the test moves it (`tick`), so rate limits do not
 * depend on how fast the machine dispatches a burst.
 */
import { startEmbedApi } from '../../../src/embed/api';
import { parseOrigin } from '../../../src/state/origin';

export interface Posted {
  data: { type: string; [k: string]: unknown };
  target: string;
}

export function fakeEmbed(href: string) {
  const listeners = new Set<(e: unknown) => void>();
  const frames: (() => void)[] = [];
  const timers: (() => void)[] = [];
  const posted: Posted[] = [];
  let time = 1_000_000;
  const parent = {
    postMessage(data: Posted['data'], target: string) {
      // Chromium: "Failed to execute 'postMessage' on 'Window': Invalid target origin".
      if (target !== '*' && parseOrigin(target) === null) throw new SyntaxError(`Invalid target origin '${target}'`);
      posted.push({ data, target });
    },
  };
  const win = {
    parent,
    location: { href },
    addEventListener: (_: string, f: (e: unknown) => void) => listeners.add(f),
    removeEventListener: (_: string, f: (e: unknown) => void) => listeners.delete(f),
    performance: { now: () => time },
    requestAnimationFrame: (cb: () => void) => frames.push(cb),
    setTimeout: (cb: () => void) => timers.push(cb),
    document: { documentElement: { scrollHeight: 480 }, body: {} },
  };
  (globalThis as { ResizeObserver?: unknown }).ResizeObserver ??= class {
    observe() {}
    disconnect() {}
  };
  const stop = startEmbedApi(win as unknown as Window);
  return {
    posted,
    stop,
    /** A message from the parent window (or from `source`), as the browser would dispatch it. */
    send(data: unknown, origin = 'https://blog.example', source: unknown = parent) {
      for (const l of [...listeners]) l({ source, origin, data });
    },
    /** Runs the animation frames (and fallback timers) queued so far. */
    frame() {
      const due = frames.splice(0).concat(timers.splice(0));
      for (const f of due) f();
    },
    /** Moves the window's clock on by `ms`. */
    tick(ms: number) {
      time += ms;
    },
    errors: () => posted.filter((p) => p.data.type === 'error').map((p) => String(p.data.message)),
  };
}
