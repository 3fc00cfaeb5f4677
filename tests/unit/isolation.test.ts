// Deciding on threads: when the page reloads for cross-origin isolation (never in a loop, never in an
// iframe), what the page allows WASM, and which thread counts are measured.
import { describe, expect, it } from 'vitest';
import { isolationStep, type IsolationEnv } from '../../src/offline';
import { MAX_WASM_THREADS, threadCandidates, threadSupport } from '../../src/worker/wasmThreads';

const firstVisit: IsolationEnv = { prod: true, isolated: false, secure: true, framed: false, serviceWorker: true, controlled: false, reloads: 0 };

describe('reloading for cross-origin isolation', () => {
  it('waits for the service worker on a first visit, and reloads when one controls a page it did not isolate', () => {
    expect(isolationStep(firstVisit)).toBe('wait');
    expect(isolationStep({ ...firstVisit, controlled: true })).toBe('reload');
    expect(isolationStep({ ...firstVisit, controlled: true, reloads: 1 })).toBe('reload'); // an older worker was replaced
  });

  it('never reloads a third time in a tab session, nor without a place to count reloads', () => {
    expect(isolationStep({ ...firstVisit, controlled: true, reloads: 2 })).toBe('go');
    expect(isolationStep({ ...firstVisit, reloads: 2 })).toBe('go');
    expect(isolationStep({ ...firstVisit, controlled: true, reloads: null })).toBe('go');
  });

  it('never reloads an isolated page, an iframe, the dev server, an insecure page, or without service workers', () => {
    for (const env of [
      { ...firstVisit, isolated: true, controlled: true },
      { ...firstVisit, framed: true },
      { ...firstVisit, framed: true, controlled: true },
      { ...firstVisit, prod: false },
      { ...firstVisit, secure: false },
      { ...firstVisit, serviceWorker: false },
    ]) expect(isolationStep(env), JSON.stringify(env)).toBe('go');
  });
});

describe('what the page allows WASM', () => {
  const nav = (hardwareConcurrency: number) => ({ hardwareConcurrency });

  it('one thread when the page is not isolated, saying why (an iframe says so)', () => {
    expect(threadSupport(false, { crossOriginIsolated: false, navigator: nav(8) })).toEqual({ max: 1, why: 'the page is not cross-origin isolated, so it has no SharedArrayBuffer' });
    const framed = threadSupport(true, { crossOriginIsolated: false, navigator: nav(8) });
    expect(framed.max).toBe(1);
    expect(framed.why).toMatch(/the page embedding this lab is not cross-origin isolated, and an iframe can use threads only when its host page is/);
  });

  it('every core when isolated (up to tfjs\'s pool of pthread workers); one on a one-core machine', () => {
    expect(threadSupport(false, { crossOriginIsolated: true, navigator: nav(2) })).toEqual({ max: 2, why: null });
    expect(threadSupport(true, { crossOriginIsolated: true, navigator: nav(6) })).toEqual({ max: 6, why: null });
    expect(threadSupport(false, { crossOriginIsolated: true, navigator: nav(64) }).max).toBe(MAX_WASM_THREADS);
    expect(threadSupport(false, { crossOriginIsolated: true, navigator: nav(1) })).toEqual({ max: 1, why: 'this machine reports one core' });
  });

  it('measures 1, 2 and every core', () => {
    expect(threadCandidates(1)).toEqual([1]);
    expect(threadCandidates(2)).toEqual([1, 2]);
    expect(threadCandidates(8)).toEqual([1, 2, 8]);
  });
});
