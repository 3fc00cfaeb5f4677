// Fuzzing the embed's messages: parseCommand never throws, whatever arrives (binary data, proxies whose
// traps throw, cycles), and no message loses the experiment in the store (driven without a worker).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/embed/api';
import { connectEngine } from '../../src/state/actions';
import { encodeLink } from '../../src/state/link';
import { defaultLinkState } from '../../src/state/linkState';
import { initialState, labStore } from '../../src/state/store';
import { fakeEmbed } from './helpers/fake-embed';
import { isValidExperiment, nested, reportCases, runs } from './helpers/fuzz';

reportCases('fuzz-embed');

const TYPES = ['run', 'pause', 'reset', 'setState'];

/** parseCommand's contract: null, or exactly one of the documented commands. */
function checkParsed(data: unknown): void {
  const cmd = parseCommand(data);
  if (cmd === null) return;
  expect(TYPES).toContain(cmd.type);
  if (cmd.type === 'setState') expect((cmd.link === undefined) !== (cmd.experiment === undefined)).toBe(true);
  else expect(Object.keys(cmd)).toEqual(['type']);
}

let big: ArrayBuffer;
beforeAll(() => {
  big = new ArrayBuffer(64 * 2 ** 20); // one large buffer, shared by the cases that need one
});

const anything = fc.anything({
  maxDepth: 4, maxKeys: 6, withBigInt: true, withBoxedValues: true, withDate: true, withMap: true, withSet: true,
  withNullPrototype: true, withObjectString: true, withSparseArray: true, withTypedArray: true,
});
const binary = fc.oneof(
  fc.integer({ min: 0, max: 400_000 }).map((n) => new ArrayBuffer(n)),
  fc.integer({ min: 0, max: 400_000 }).map((n) => new Uint8Array(n)),
  fc.integer({ min: 0, max: 1000 }).map((n) => new Float64Array(big, 0, n)),
  fc.integer({ min: 0, max: 300_000 }).map((n) => new DataView(new ArrayBuffer(n))),
  fc.integer({ min: 0, max: 300_000 }).map((n) => new Blob([new Uint8Array(n)])),
  fc.constant(null).map(() => big),
);
const TRAPS = ['get', 'has', 'ownKeys', 'getOwnPropertyDescriptor', 'getPrototypeOf'] as const;
/** A proxy whose chosen trap throws (postMessage cannot carry one, but a caller may pass anything). */
const proxied = (target: object, trap: (typeof TRAPS)[number]) => new Proxy(target, { [trap]: () => { throw new Error(`trap ${trap}`); } });
const commandLike = fc.record(
  {
    type: fc.oneof(fc.constantFrom(...TYPES, 'eval', 'RUN', '__proto__'), anything),
    link: fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), anything),
    experiment: fc.oneof(fc.dictionary(fc.string(), anything, { maxKeys: 6 }), anything),
    payload: fc.oneof(binary, anything),
  },
  { requiredKeys: [] },
);
/** A value with a cycle somewhere: the object refers to itself, directly or through a child. */
const cyclic = fc.tuple(commandLike, fc.boolean()).map(([c, deep]) => {
  const o = { ...c } as Record<string, unknown>;
  if (deep) o.child = { back: o };
  else o.self = o;
  return o;
});

describe('fuzz: parseCommand', () => {
  it('never throws on anything structured clone can carry (and more)', () => {
    fc.assert(fc.property(anything, (v) => checkParsed(v)), runs(500));
  });

  it('never throws on command-shaped values with binary payloads, and refuses every payload over 200 kB', () => {
    fc.assert(fc.property(commandLike, (v) => checkParsed(v)), runs(500));
    fc.assert(fc.property(fc.constantFrom(...TYPES), binary, (type, payload) => {
      const bytes = payload instanceof Blob ? payload.size : ArrayBuffer.isView(payload) ? payload.buffer.byteLength : (payload as ArrayBuffer).byteLength;
      const cmd = parseCommand({ type, link: '#v=1', payload });
      if (bytes > 200_000) expect(cmd).toBeNull();
    }), runs(200));
  });

  it('never throws on proxies with throwing traps, cycles, or deep nesting', () => {
    fc.assert(fc.property(commandLike, fc.constantFrom(...TRAPS), fc.boolean(), (c, trap, inner) => {
      const value = inner ? { ...c, type: 'run', inner: proxied({ a: 1 }, trap) } : proxied(c, trap);
      checkParsed(value);
    }), runs(300));
    fc.assert(fc.property(cyclic, (c) => {
      expect(parseCommand(c)).toBeNull();
    }), runs(200));
    fc.assert(fc.property(fc.integer({ min: 33, max: 10_000 }), (d) => {
      expect(parseCommand({ type: 'run', x: nested(d) })).toBeNull();
    }), runs(50));
  });
});

describe('fuzz: no message loses the experiment in the store', () => {
  afterAll(() => labStore.setState(initialState(), true));

  it('after any message, the experiment is the one before, or a valid one the host set', () => {
    labStore.setState(initialState(), true);
    connectEngine({ send: () => {}, restart: () => {}, dispose: () => {} });
    const s = defaultLinkState();
    s.experiment = { ...s.experiment, model: 'tiny', steps: 7 };
    const links = fc.oneof(fc.constant(`#${encodeLink(s)}`), fc.string({ maxLength: 60 }).map((t) => `#${encodeLink(s)}${t}`), fc.string({ unit: 'binary', maxLength: 80 }));
    const message = fc.oneof(
      anything,
      commandLike,
      links.map((link) => ({ type: 'setState', link })),
      fc.dictionary(fc.constantFrom('model', 'steps', 'seed', 'runs', 'data', 'granularity', '__proto__'), anything, { maxKeys: 4 }).map((experiment) => ({ type: 'setState', experiment })),
    );
    fc.assert(fc.property(message, (msg) => {
      const before = labStore.getState().experiment;
      const embed = fakeEmbed('https://lab.example/#v=1&embed=1'); // one each: no pacing between cases
      embed.send(msg);
      embed.frame();
      embed.stop();
      const after = labStore.getState().experiment;
      if (after !== before) expect((msg as { type?: unknown } | null)?.type).toBe('setState'); // only a valid setState changes it
      expect(isValidExperiment(after)).toBe(true);
    }), runs(500));
  });
});
