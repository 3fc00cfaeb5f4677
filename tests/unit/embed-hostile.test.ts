// A hostile host page: bad origin= flags, bursts of setState, oversized binary payloads.
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/embed/api';
import { structuredSize } from '../../src/embed/size';

describe('regression #9: the 200 kB limit counts binary payloads', () => {
  it('refuses a 512 MB ArrayBuffer, a view of one, a Blob, a SharedArrayBuffer, and big nested values', () => {
    const big = new ArrayBuffer(512 * 2 ** 20);
    const over: unknown[] = [
      { type: 'run', payload: big },
      { type: 'run', payload: new Uint8Array(big, 0, 4) }, // a small view still carries (and clones) its whole buffer
      { type: 'run', payload: new DataView(new ArrayBuffer(300_000)) },
      { type: 'run', payload: new Blob([new Uint8Array(300_000)]) },
      { type: 'run', payload: new SharedArrayBuffer(300_000) },
      { type: 'run', payload: new Map([[1, 'x'.repeat(300_000)]]) },
      { type: 'run', payload: new Set(Array.from({ length: 30_000 }, (_, i) => i)) },
      { type: 'run', payload: Array.from({ length: 1000 }, () => 'y'.repeat(250)) },
      { type: 'run', payload: new Array(10_000_000) },
      { type: 'setState', link: '#v=1', experiment: undefined, pad: { a: { b: { c: 'z'.repeat(199_990) } } } },
    ];
    for (const m of over) expect(parseCommand(m)).toBeNull();
    expect(structuredSize(big, 200_000)).toBe(Infinity);
    expect(parseCommand({ type: 'run', payload: new ArrayBuffer(1000) })).toEqual({ type: 'run' });
  });

  it('refuses cycles and deep nesting, counts shared values each time they appear', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(parseCommand({ type: 'run', deep })).toBeNull();
    const shared = { s: 'x'.repeat(60_000) };
    expect(parseCommand({ type: 'run', a: shared, b: shared })).toEqual({ type: 'run' });
    expect(parseCommand({ type: 'run', a: shared, b: shared, c: shared, d: shared })).toBeNull();
    // a look-alike is walked as an object, not trusted for its byteLength
    expect(parseCommand({ type: 'run', [Symbol.toStringTag]: 'ArrayBuffer', byteLength: 1 })).toEqual({ type: 'run' });
  });
});
