import { compressToEncodedURIComponent, decompressFromEncodedURIComponent } from 'lz-string';
import { describe, expect, it } from 'vitest';
import { decodeLink, encodeLink, FIELDS, MAX_PAYLOAD } from '../../src/state/link';
import { defaultLinkState, type LinkState } from '../../src/state/linkState';
import { validateData } from '../../src/train/data';
import { ExperimentSchema, parseExperiment } from '../../src/train/experiment';
import { findPreset } from '../../src/train/presets';
import { Rng } from '../../src/model/rng';
import { RunSchema } from '../../src/train/run';
import { fillSlots } from '../../src/state/shades';

const roundTrip = (s: LinkState) => decodeLink(`https://example.org/some/path/?utm=1#${encodeLink(s)}`);

/** For each field of the link: a state where that field (and only what it needs) differs from the default. */
const VARIANTS: Record<string, (s: LinkState) => void> = {
  model: (s) => void (s.experiment.model = 'tiny'),
  seed: (s) => void (s.experiment.seed = 0),
  'replay the notebook exactly': (s) => void (s.experiment.notebookExact = true),
  steps: (s) => void (s.experiment.steps = 1234),
  scoring: (s) => void (s.experiment.scoring = 'next-token'),
  granularity: (s) => {
    s.experiment.granularity = 'sequence';
    s.experiment.data = [{ prompt: [1, 2], chosen: [3, 4, 5], rejected: [6] }];
  },
  data: (s) => void (s.experiment.data = [{ prompt: [1], chosen: [2, 3], rejected: [4, 5] }, { prompt: [9, 9, 9], chosen: [0], rejected: [31] }]),
  runs: (s) => void (s.view.hidden = [false, false, false], s.view.shades = [0, 1, 0], s.experiment.runs = [
    { label: 'mine, "quoted"', loss: 'cdpo', beta: 0.25, lr: 3e-3, optimizer: 'adam', labelSmoothing: 0.2 },
    { label: '', loss: 'dpop', beta: 0.1, lr: 1e-2, optimizer: 'sgd', dpopLambda: 5 },
    { label: '', loss: 'simpo', beta: 2, lr: 1e-3, optimizer: 'sgd', simpoGamma: 0.7, policy: 'dora', loraRank: 2, loraAlpha: 16, loraTargets: ['q', 'k', 'up'] },
  ].map((r) => RunSchema.parse(r))),
  preset: (s) => {
    s.experiment = parseExperiment(findPreset('lr-sweep')!.spec);
    s.presetId = 'lr-sweep';
    s.basePresetId = 'lr-sweep';
    s.view.hidden = [false, false, false, false];
    s.view.shades = [0, 1, 0, 2]; // IPO, IPO, DPO, IPO
  },
  'modified from preset': (s) => void (s.basePresetId = 'dpo-overfits'),
  // Kept slots after the first IPO run was removed and one added: not the order a link without them means.
  'run colours': (s) => void (s.view.shades = [2, 0, 1, 1, 0]),
  backend: (s) => void (s.backend = 'wasm'),
  theme: (s) => void (s.view.theme = 'dark'),
  'loss log scale': (s) => void (s.view.lossLog = false),
  'rewards chart metric': (s) => void (s.view.rewardMetric = 'grad_norm'),
  'inspected run': (s) => void (s.view.hRun = 3),
  'squeeze context': (s) => void (s.view.squeezeBranch = 'chosen'),
  'squeeze pair': (s) => {
    s.experiment.data = [...s.experiment.data, { prompt: [1], chosen: [2, 2, 2, 2], rejected: [3, 3, 3, 3] }];
    s.view.squeezePair = 1;
  },
  'token display': (s) => void (s.view.textMode = 'words'),
  'hidden runs': (s) => void (s.view.hidden = [false, true, false, true, false]),
  embed: (s) => void (s.embed.on = true),
  autoplay: (s) => void (s.embed.autoplay = true),
  controls: (s) => void (s.embed.controls = true),
  charts: (s) => void (s.embed.charts = ['h', 'squeeze', 'pi-rej']),
  'parent origin': (s) => void (s.embed.parentOrigin = 'https://blog.example:8443'),
  language: (s) => void (s.view.lang = 'zh'),
};

describe('teaching link', () => {
  it('is short for the default experiment and decodes back to it', () => {
    const hash = encodeLink(defaultLinkState());
    expect(hash).toBe('v=1');
    expect(decodeLink(hash)).toEqual({ state: defaultLinkState(), notices: [] });
    expect(decodeLink('')).toEqual({ state: defaultLinkState(), notices: [] });
  });

  it('reads a plain page address (the app opened without a link) as the default, with no notice', () => {
    for (const href of ['http://127.0.0.1:5173/', 'https://example.org/lab/index.html', 'file:///home/me/dist/index.html']) {
      expect(decodeLink(href)).toEqual({ state: defaultLinkState(), notices: [] });
    }
    // A bare hash without the '#' is still read as one.
    expect(decodeLink('v=1&model=tiny').notices).toEqual(['ignored unknown setting “model”']);
  });

  it('has a round-trip case for every field of the schema', () => {
    const names = FIELDS.map((f) => f.name).concat(['embed', 'autoplay', 'controls', 'charts', 'parent origin', 'language']);
    expect(Object.keys(VARIANTS).sort()).toEqual(names.sort());
  });

  for (const [name, change] of Object.entries(VARIANTS)) {
    it(`round-trips ${name}`, () => {
      const s = defaultLinkState();
      if (name !== 'preset') s.presetId = null;
      change(s);
      const back = roundTrip(s);
      expect(back.notices).toEqual([]);
      expect(back.state).toEqual(s);
      expect(encodeLink(s)).not.toBe('v=1');
    });
  }

  it('round-trips everything at once, and the link stays compact', () => {
    const s = defaultLinkState();
    s.presetId = null;
    // Not the preset, and not the exact replay: it needs the notebook's scoring, which the scoring variant changes.
    for (const [name, change] of Object.entries(VARIANTS)) if (!['preset', 'granularity', 'replay the notebook exactly', 'run colours'].includes(name)) change(s);
    // keep the view consistent with three runs
    s.view.hidden = [false, true, false];
    s.view.shades = [1, 0, 0];
    s.view.hRun = 2;
    const back = roundTrip(s);
    expect(back.notices).toEqual([]);
    expect(back.state).toEqual(s);
    expect(encodeLink(s).length).toBeLessThan(600);
  });

  it('falls back per field, with a notice naming it', () => {
    const payload = (o: object) => `v=1&s=${compressToEncodedURIComponent(JSON.stringify(o))}`;
    const r = decodeLink(payload({ st: 'abc', m: 'huge', sd: 42, zz: 1 }));
    expect(r.state.experiment.steps).toBe(100);
    expect(r.state.experiment.model).toBe('notebook');
    expect(r.notices.join('\n')).toMatch(/“steps” in the link is not valid/);
    expect(r.notices.join('\n')).toMatch(/“model” in the link is not valid/);
    expect(r.notices.join('\n')).toMatch(/ignored unknown setting “zz”/);
    expect(decodeLink(payload({ r: [{ l: 'dpo', b: 0.1, r: -5 }] })).notices[0]).toMatch(/“runs” in the link is not valid/);
    // A bad run is left out, named with every problem it has (two, then how many more); the other runs stay.
    const some = decodeLink(payload({ r: [{ l: 'ipo', b: 0.1, r: 1e99 }, { l: 'ipo', b: -1, r: 0.1, ld: 0, e: 2 }, { l: 'dpo', b: 0.3, r: 0.2 }] }));
    expect(some.state.experiment.runs.map((x) => [x.loss, x.beta, x.lr])).toEqual([['dpo', 0.3, 0.2]]);
    expect(some.notices).toEqual([
      'run 1 in the link is not valid (learning rate must be in (0, 1e6]); it is left out',
      'run 2 in the link is not valid (β must be in (0, 10000]; label smoothing ε must be in [0, 0.5); and 1 more); it is left out',
    ]);
    expect(some.state.view.hidden).toEqual([false]);
    expect(decodeLink('v=1&s=not-lz-at-all!!').notices[0]).toMatch(/damaged/);
    expect(decodeLink(`v=1&s=${'A'.repeat(MAX_PAYLOAD + 1)}`).notices[0]).toMatch(/too long/);
    expect(decodeLink('v=7').notices[0]).toMatch(/version 7/);
    expect(decodeLink('v=1&embed=yes').notices[0]).toMatch(/“embed” in the link is not valid/);
    expect(decodeLink('v=1&charts=pi-rej,bogus').notices[0]).toMatch(/charts are/);
    expect(decodeLink('v=1&origin=javascript:alert(1)').notices[0]).toMatch(/parent origin/);
  });

  it('carries the language as a readable flag (lang=zh, lang=en), and refuses another with a notice', () => {
    const s = defaultLinkState();
    s.view.lang = 'zh';
    expect(encodeLink(s)).toBe('v=1&lang=zh');
    s.view.lang = 'en';
    expect(encodeLink(s)).toBe('v=1&lang=en');
    expect(decodeLink('https://example.org/lab/#v=1&embed=1&lang=zh').state.view.lang).toBe('zh');
    // A browser-style tag names the same language; without the flag, the reader's browser decides (null).
    expect(decodeLink('v=1&lang=zh-CN').state.view.lang).toBe('zh');
    expect(decodeLink('v=1&lang=en-GB').state.view.lang).toBe('en');
    expect(decodeLink('v=1').state.view.lang).toBeNull();
    const fr = decodeLink('v=1&lang=fr');
    expect(fr.state.view.lang).toBeNull();
    expect(fr.notices).toEqual(['“language” in the link is not valid (not a language of this lab: en or zh); using the default']);
  });

  it('repairs data that does not fit the granularity', () => {
    const s = defaultLinkState();
    s.experiment.data = [{ prompt: [1], chosen: [2, 3], rejected: [4] }]; // unequal answers: fine per answer, not per token
    const r = roundTrip(s);
    expect(r.notices[0]).toMatch(/data does not fit/);
    expect(validateData(r.state.experiment.data, 32, r.state.experiment.granularity)).toEqual([]);
  });

  it('decodes thousands of random and malformed links without throwing, always to a usable experiment', () => {
    const rng = new Rng(2024);
    const pick = <T,>(a: T[]): T => a[Math.floor(rng.uniform() * a.length)]!;
    const junk = (depth = 0): unknown => {
      const k = Math.floor(rng.uniform() * (depth > 2 ? 6 : 9));
      switch (k) {
        case 0: return rng.normal() * 10 ** Math.floor(rng.uniform() * 12 - 3);
        case 1: return pick(['', 'dpo', 'ipo', 'adam', '1e999', 'NaN', '__proto__', '<script>', '\u0000', 'x'.repeat(500)]);
        case 2: return pick([true, false, null]);
        case 3: return Math.floor(rng.uniform() * 40) - 5;
        case 4: return pick([Number.MAX_SAFE_INTEGER, -0, 1e308, 5e-324]);
        case 5: return pick([[], {}]);
        case 6: return Array.from({ length: Math.floor(rng.uniform() * 5) }, () => junk(depth + 1));
        default: return Object.fromEntries(Array.from({ length: Math.floor(rng.uniform() * 5) }, () => [pick(['l', 'b', 'r', 'o', 'n', 'e', 'p', 'rk', 'al', 't', '__proto__', 'constructor', 'x']), junk(depth + 1)]));
      }
    };
    const valid = encodeLink((() => { const s = defaultLinkState(); VARIANTS.runs!(s); VARIANTS.data!(s); s.presetId = null; return s; })());
    const keys = FIELDS.map((f) => f.key);
    const links: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const kind = i % 6;
      if (kind === 0) links.push(Array.from({ length: Math.floor(rng.uniform() * 300) }, () => String.fromCharCode(Math.floor(rng.uniform() * 0x2fff))).join(''));
      else if (kind === 1) links.push(`v=1&s=${valid.slice(0, Math.floor(rng.uniform() * valid.length))}`); // cut short when copied
      else if (kind === 2) {
        const chars = [...valid];
        for (let j = 0; j < 3; j++) chars[Math.floor(rng.uniform() * chars.length)] = String.fromCharCode(33 + Math.floor(rng.uniform() * 90));
        links.push(chars.join(''));
      } else if (kind === 3) links.push(`v=1&s=${compressToEncodedURIComponent(JSON.stringify(Object.fromEntries(keys.map((k) => [k, junk()]))))}`);
      else if (kind === 4) links.push(`v=1&s=${compressToEncodedURIComponent(JSON.stringify(junk()))}&embed=${pick(['1', '0', 'x'])}&charts=${pick(['h', 'sigma,loss', ',,', 'h,h,h'])}`);
      else links.push(`#${pick(['v=1', 'v=0', 'v=', 's=', '&&&', '%E0%A4%A', '?#?#'])}&s=${compressToEncodedURIComponent(pick(['[]', '1', '"s"', '{"r":null}', '{"__proto__":{"polluted":1}}', '{"d":[[[1],[2],[3]]],"g":"token"}']))}`);
    }
    for (const link of links) {
      const r = decodeLink(link);
      expect(ExperimentSchema.safeParse(r.state.experiment).success, link).toBe(true);
      expect(validateData(r.state.experiment.data, 32, r.state.experiment.granularity), link).toEqual([]);
      expect(r.state.view.hidden).toHaveLength(r.state.experiment.runs.length);
      expect(r.state.view.hRun).toBeLessThan(r.state.experiment.runs.length);
      expect(r.notices.every((n) => typeof n === 'string' && n.length < 400)).toBe(true);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('teaching link: replaying the notebook exactly', () => {
  it('a link written before the switch existed keeps its meaning (the lab\'s own initialisation)', () => {
    const old = `v=1&s=${compressToEncodedURIComponent(JSON.stringify({ m: 'tiny', sd: 7 }))}`;
    const r = decodeLink(old);
    expect(r.notices).toEqual([]);
    expect(r.state.experiment.notebookExact).toBe(false);
  });

  it('keeps the preset it replays, and refuses the switch with another scoring, saying why', () => {
    const s = defaultLinkState();
    s.experiment.notebookExact = true;
    expect(roundTrip(s).state.presetId).toBe('beta-sweep');
    const bad = `v=1&s=${compressToEncodedURIComponent(JSON.stringify({ nx: true, sc: 'next-token' }))}`;
    const r = decodeLink(bad);
    expect(r.state.experiment.notebookExact).toBe(false);
    expect(r.notices.join()).toMatch(/does not hold together/);
  });

  it('takes any seed torch.manual_seed takes, and names the range otherwise', () => {
    for (const seed of [-1, 1.5, 2 ** 64]) {
      const r = decodeLink(`v=1&s=${compressToEncodedURIComponent(JSON.stringify({ sd: seed, nx: true }))}`);
      expect(r.state.experiment.seed, String(seed)).toBe(42);
      expect(r.notices.join(), String(seed)).toMatch(/“seed” in the link is not valid \(seed must be (in 0\.\.2\^64 - 1|a whole number)\)/);
    }
    expect(decodeLink(`v=1&s=${compressToEncodedURIComponent(JSON.stringify({ sd: 2 ** 63, nx: true }))}`).state.experiment.seed).toBe(2 ** 63);
  });
});

describe('teaching link: LoRA and DoRA runs', () => {
  const payload = (o: object) => `v=1&s=${compressToEncodedURIComponent(JSON.stringify(o))}`;
  const lora = { l: 'dpo', b: 0.1, r: 0.1, p: 'lora', rk: 4, al: 2, t: ['q', 'k', 'v', 'o'] };

  it('writes p, rk, al and t only when they differ from the defaults, and reads them back', () => {
    const s = defaultLinkState();
    s.presetId = null;
    s.experiment = parseExperiment({ ...s.experiment, runs: [{ loss: 'dpo', beta: 0.1, lr: 0.1, policy: 'lora' }, { loss: 'dpo', beta: 0.1, lr: 0.1, policy: 'dora', loraRank: 1, loraAlpha: 0.5, loraTargets: ['down', 'gate'] }] });
    s.view.hidden = [false, false];
    s.view.shades = fillSlots(s.experiment.runs, []); // each run's colour slot, as the store numbers them
    const back = roundTrip(s);
    expect(back.notices).toEqual([]);
    expect(back.state).toEqual(s);
    expect(back.state.experiment.runs[1]!.loraTargets).toEqual(['gate', 'down']);
    const sent = JSON.parse(decompressFromEncodedURIComponent(new URLSearchParams(encodeLink(s)).get('s')!)) as { r: Record<string, unknown>[] };
    expect(sent.r[0]).toEqual({ l: 'dpo', b: 0.1, r: 0.1, p: 'lora' });
    expect(sent.r[1]).toEqual({ l: 'dpo', b: 0.1, r: 0.1, p: 'dora', rk: 1, al: 0.5, t: ['gate', 'down'] });
  });

  it('a link written before LoRA existed keeps its meaning: full-model runs, no notice', () => {
    const r = decodeLink(payload({ m: 'tiny', r: [{ l: 'dpo', b: 0.1, r: 0.1 }, { l: 'ipo', b: 0.5, r: 0.01, o: 'adam' }] }));
    expect(r.notices).toEqual([]);
    expect(r.state.experiment.runs.map((x) => x.policy)).toEqual(['full', 'full']);
  });

  const bad: [string, object, RegExp, (r: ReturnType<typeof decodeLink>) => unknown, unknown][] = [
    ['α ≤ 0', { al: 0 }, /run 1: “LoRA α” in the link is not valid \(LoRA α must be in \(0, 10000\]\); using the default 8/, (r) => r.state.experiment.runs[0]!.loraAlpha, 8],
    ['an unknown target', { t: ['q', 'lm_head'] }, /run 1: “LoRA targets” in the link is not valid \(unknown LoRA target "lm_head"; the targets are q, k, v, o, gate, up, down\); using the default q,v/, (r) => r.state.experiment.runs[0]!.loraTargets, ['q', 'v']],
    ['a rank that is not a whole number', { rk: 1.5 }, /run 1: “LoRA rank” in the link is not valid \(LoRA rank r must be a whole number\); using the default 8/, (r) => r.state.experiment.runs[0]!.loraRank, 8],
    ['a rank above the model\'s min(in, out)', { rk: 64 }, /run 1: LoRA rank 64 is larger than q_proj allows on the tiny model: at most min\(in, out\) = 32; using the default rank 8/, (r) => r.state.experiment.runs[0]!.loraRank, 8],
    ['an unknown policy', { p: 'qlora' }, /run 1: “policy” in the link is not valid .*; using the default full/, (r) => r.state.experiment.runs[0]!.policy, 'full'],
  ];
  for (const [what, change, notice, read, fallback] of bad) {
    it(`falls back on ${what} with a notice, and nothing else changes`, () => {
      const r = decodeLink(payload({ m: 'tiny', st: 77, r: [{ ...lora, ...change }, { l: 'ipo', b: 0.5, r: 0.01 }] }));
      expect(r.notices).toHaveLength(1);
      expect(r.notices[0]).toMatch(notice);
      expect(read(r)).toEqual(fallback);
      const kept = decodeLink(payload({ m: 'tiny', st: 77, r: [lora, { l: 'ipo', b: 0.5, r: 0.01 }] })).state;
      const key = Object.keys(change)[0]!;
      const field = ({ p: 'policy', rk: 'loraRank', al: 'loraAlpha', t: 'loraTargets' } as const)[key as 'p']!;
      expect({ ...r.state.experiment.runs[0]!, [field]: kept.experiment.runs[0]![field] }).toEqual(kept.experiment.runs[0]);
      expect({ ...r.state, experiment: { ...r.state.experiment, runs: kept.experiment.runs } }).toEqual(kept);
    });
  }
});
