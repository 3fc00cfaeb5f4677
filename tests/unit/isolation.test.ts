// Deciding on threads: when the service worker will isolate the next visit (never an iframe, the dev
// server, an insecure page), what the page allows WASM, and which thread counts are measured.
import { describe, expect, it } from 'vitest';
import { isolatesNextVisit, type IsolationEnv } from '../../src/offline';
import { MAX_WASM_THREADS, threadCandidates, threadSupport } from '../../src/worker/wasmThreads';

const firstVisit: IsolationEnv = { prod: true, isolated: false, secure: true, framed: false, serviceWorker: true };

describe('cross-origin isolation from the service worker', () => {
  it('isolates the visits after a first one; the first starts at once, and says why it has one thread', () => {
    expect(isolatesNextVisit(firstVisit)).toBe(true);
    expect(threadSupport(false, {}, true)).toEqual({ max: 1, why: 'a first visit is not cross-origin isolated: the service worker isolates the next one' });
  });

  it('never for an isolated page, an iframe, the dev server, an insecure page, or without service workers', () => {
    for (const env of [
      { ...firstVisit, isolated: true },
      { ...firstVisit, framed: true },
      { ...firstVisit, prod: false },
      { ...firstVisit, secure: false },
      { ...firstVisit, serviceWorker: false },
    ]) expect(isolatesNextVisit(env), JSON.stringify(env)).toBe(false);
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
