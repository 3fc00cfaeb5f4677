// Fuzzing the teaching link: decodeLink never throws and always yields a trainable experiment,
// whatever the string: arbitrary text, mutated valid links, deep or huge JSON payloads.
import fc from 'fast-check';
import LZString from 'lz-string';
import { describe, expect, it } from 'vitest';
import { decodeLink, encodeLink, FIELDS } from '../../src/state/link';
import { defaultLinkState, type LinkState } from '../../src/state/linkState';
import { PRESETS } from '../../src/train/presets';
import { parseExperiment } from '../../src/train/experiment';
import { isValidExperiment, reportCases, runs } from './helpers/fuzz';

reportCases('fuzz-link');

function check(link: string): void {
  const { state, notices } = decodeLink(link);
  expect(isValidExperiment(state.experiment), link.slice(0, 200)).toBe(true);
  expect(notices.every((n) => typeof n === 'string' && n.length > 0)).toBe(true);
  const n = state.experiment.runs.length;
  expect(state.view.hidden).toHaveLength(n);
  expect(state.view.hRun).toBeLessThan(n);
  expect(state.view.squeezePair).toBeLessThan(state.experiment.data.length);
  expect(state.embed.parentOrigin === null || /^https?:\/\/[^/?#@]+$/.test(state.embed.parentOrigin)).toBe(true);
  // What was decoded encodes to a link that decodes cleanly to the same experiment.
  const again = decodeLink(encodeLink(state));
  expect(again.notices).toEqual([]);
  expect(again.state.experiment).toEqual(state.experiment);
}

/** Valid links to start mutating from: every preset, in a few views. */
const VALID: string[] = PRESETS.flatMap((p) => {
  const s: LinkState = defaultLinkState();
  s.experiment = parseExperiment(structuredClone(p.spec));
  s.presetId = p.id;
  s.view.hidden = s.experiment.runs.map((_, i) => i === 1);
  return [`https://lab.example/#${encodeLink(s)}`, `#${encodeLink({ ...s, embed: { ...s.embed, on: true, autoplay: true, charts: ['sigma', 'h'], parentOrigin: 'https://blog.example' } })}`];
});

const mutation = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), text: fc.string({ unit: 'binary', maxLength: 6 }) }),
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), text: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 3 }) }),
  fc.record({ op: fc.constant('cut' as const), at: fc.nat() }),
);
/** Deletes, inserts, replaces or cuts characters, anywhere (positions wrap around the length). */
function mutate(link: string, ms: { op: string; at: number; n?: number; text?: string }[]): string {
  let s = link;
  for (const m of ms) {
    const at = s.length === 0 ? 0 : m.at % s.length;
    if (m.op === 'delete') s = s.slice(0, at) + s.slice(at + m.n!);
    else if (m.op === 'insert') s = s.slice(0, at) + m.text + s.slice(at);
    else if (m.op === 'replace') s = s.slice(0, at) + m.text + s.slice(at + m.text!.length);
    else s = s.slice(0, at);
  }
  return s;
}

const payloadLink = (obj: unknown) => rawPayloadLink(JSON.stringify(obj) ?? 'null');
const rawPayloadLink = (json: string) => `#v=1&s=${LZString.compressToEncodedURIComponent(json)}`;
const json = fc.jsonValue({ maxDepth: 4 });
/** Values near what a field takes: numbers of every kind, short strings, lists of those, run-like objects. */
const nearField = fc.oneof(
  json,
  fc.double(),
  fc.array(fc.array(fc.oneof(fc.integer({ min: -2, max: 300 }), fc.double()), { maxLength: 20 }), { maxLength: 10 }),
  fc.array(fc.record({ l: fc.oneof(fc.constantFrom('dpo', 'ipo', 'simpo', 'orpo', 'toString'), json), b: fc.oneof(fc.double(), json), r: fc.oneof(fc.double(), json), o: fc.constantFrom('sgd', 'adam', 'x'), n: fc.string() }, { requiredKeys: [] }), { maxLength: 10 }),
);
const fieldKey = fc.oneof(fc.constantFrom(...FIELDS.map((f) => f.key)), fc.constantFrom('__proto__', 'constructor', 'toString'), fc.string({ maxLength: 4 }));
const FLAG_KEYS = ['v', 's', 'embed', 'autoplay', 'controls', 'charts', 'origin'];

describe('fuzz: decodeLink', () => {
  it('never throws on arbitrary strings, and always yields a trainable experiment', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => check(s)), runs(400));
  });

  it('takes arbitrary readable flags and values', () => {
    const param = fc.tuple(fc.oneof(fc.constantFrom(...FLAG_KEYS), fc.string({ maxLength: 5 })), fc.string({ unit: 'binary', maxLength: 40 }));
    fc.assert(
      fc.property(fc.constantFrom('', 'https://lab.example/', 'https://lab.example/?a=1#', '?'), fc.array(param, { maxLength: 8 }), (base, ps) => {
        check(base + ps.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));
      }),
      runs(400),
    );
  });

  it('survives mutated valid links', () => {
    fc.assert(fc.property(fc.constantFrom(...VALID), fc.array(mutation, { minLength: 1, maxLength: 4 }), (link, ms) => check(mutate(link, ms))), runs(500));
  });

  it('survives payloads of any JSON, near-valid field values, and hostile keys', () => {
    fc.assert(fc.property(json, (obj) => check(payloadLink(obj))), runs(200));
    fc.assert(fc.property(fc.dictionary(fieldKey, nearField, { maxKeys: 8 }), (obj) => check(payloadLink(obj))), runs(400));
  });

  it('survives deep and huge payloads', () => {
    fc.assert(
      // Written as text: JSON.stringify itself overflows the stack on such depths, JSON.parse does not.
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom(...FIELDS.map((f) => f.key)), (depth, key) => check(rawPayloadLink(`{"${key}":${'['.repeat(depth)}1${']'.repeat(depth)}}`))),
      runs(40),
    );
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 20_000 }), fc.constantFrom('d', 'r', 'hd', 'zz'), (n, key) => check(payloadLink({ [key]: Array.from({ length: n }, (_, i) => [i % 7, [i % 32], [(i * 3) % 32]]) }))),
      runs(20),
    );
  });
});
