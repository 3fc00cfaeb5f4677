// A hostile host page: bad origin= flags, bursts of setState, oversized binary payloads.
// The store is driven without a worker (a fake engine records what would be sent).
import { beforeEach, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/embed/api';
import { structuredSize } from '../../src/embed/size';
import { connectEngine, onWorkerEvent } from '../../src/state/actions';
import { decodeLink, encodeLink } from '../../src/state/link';
import { defaultLinkState } from '../../src/state/linkState';
import { parseOrigin } from '../../src/state/origin';
import { bootFromUrl } from '../../src/state/share';
import { labStore } from '../../src/state/store';
import type { ToWorker } from '../../src/worker/protocol';
import { fakeEmbed } from './helpers/fake-embed';

let sent: ToWorker[];
const loads = () => sent.filter((m) => m.type === 'load') as Extract<ToWorker, { type: 'load' }>[];
function boot(flags: string) {
  bootFromUrl(`https://lab.example/#v=1&embed=1${flags}`);
  sent = [];
  connectEngine({ send: (m) => sent.push(m), restart: () => {}, dispose: () => {} });
  sent = [];
}
/** The worker says it is ready: the embed then posts `ready`. */
const ready = () => {
  onWorkerEvent({ type: 'backend', info: { choice: 'cpu', active: 'cpu', reason: 'test', probes: [] } });
  onWorkerEvent({ type: 'state', generation: 0, state: 'idle', step: 0 });
};
const quick = (steps: number) => ({ model: 'tiny', steps, runs: [{ loss: 'dpo', beta: 0.1, lr: 0.1 }] });

beforeEach(() => boot(''));

describe('regression #1: the origin= flag is parsed with URL', () => {
  it('accepts scheme://host[:port] only', () => {
    expect(parseOrigin('https://blog.example')).toBe('https://blog.example');
    expect(parseOrigin('HTTPS://Blog.Example:443')).toBe('https://blog.example');
    expect(parseOrigin('http://127.0.0.1:5173')).toBe('http://127.0.0.1:5173');
    expect(parseOrigin('http://[::1]:8080')).toBe('http://[::1]:8080');
    for (const bad of ['http://a.example:99999', 'http://a.example#frag', 'http://user@a.example', 'http://u:p@a.example', 'http://a.example/', 'http://a.example/path',
      'http://a.example?q', 'http://a.example:', 'http://a.example:0', 'ftp://a.example', 'javascript://a.example', 'http://a b', 'http://a\\b', ' http://a.example', '*', 'null', '']) {
      expect(parseOrigin(bad), bad).toBeNull();
    }
  });

  it('a bad origin gives a notice, and the embed posts to nobody and takes no command, yet still works', () => {
    const flag = `&origin=${encodeURIComponent('http://a.example:99999')}`;
    expect(decodeLink(`#v=1${flag}`).notices.join()).toMatch(/parent origin.*not an origin like https:\/\/blog.example/);
    boot(flag);
    const before = labStore.getState().experiment;
    const embed = fakeEmbed(`https://lab.example/#v=1&embed=1${flag}`);
    ready(); // before the fix this post threw inside the store listener: the page stayed at "starting…"
    expect(labStore.getState().training.backend).not.toBeNull();
    expect(embed.posted).toEqual([]);
    expect(labStore.getState().notices.map((n) => n.text).join()).toMatch(/sends no messages to its page/);
    embed.send({ type: 'setState', experiment: quick(3) }, 'http://a.example:99999');
    embed.frame();
    expect(labStore.getState().experiment).toBe(before);
    for (const o of ['http://a.example#x', 'http://u@a.example']) {
      boot(`&origin=${encodeURIComponent(o)}`);
      const e = fakeEmbed(`https://lab.example/#v=1&embed=1&origin=${encodeURIComponent(o)}`);
      ready();
      expect(e.posted, o).toEqual([]);
    }
  });

  it('a good origin is the only target and the only accepted sender', () => {
    boot('&origin=https%3A%2F%2Fblog.example');
    const embed = fakeEmbed('https://lab.example/#v=1&embed=1&origin=https%3A%2F%2Fblog.example');
    ready();
    expect(embed.posted.map((p) => p.data.type)).toContain('ready');
    expect(new Set(embed.posted.map((p) => p.target))).toEqual(new Set(['https://blog.example']));
    embed.send({ type: 'setState', experiment: quick(3) }, 'https://evil.example');
    embed.frame();
    expect(loads()).toHaveLength(0);
    embed.send({ type: 'setState', experiment: quick(3) });
    embed.frame();
    expect(loads()).toHaveLength(1);
  });
});

describe('regression #2: setState bursts are coalesced and rate-limited', () => {
  it('1,000 setState messages apply one reload per frame, the last state, and tell the host', () => {
    const embed = fakeEmbed('https://lab.example/#v=1&embed=1');
    for (let i = 1; i <= 1000; i++) embed.send({ type: 'setState', experiment: quick(i) });
    expect(loads()).toHaveLength(0); // nothing decoded or applied while the burst arrives
    embed.frame();
    expect(loads()).toHaveLength(1);
    // 200 messages a second are looked at; the last of those wins this frame
    expect(labStore.getState().experiment.steps).toBe(200);
    // the very last message is held (unparsed) until the second is over, then applied
    embed.frame(); // the held message's timer
    embed.frame(); // its reload's frame
    expect(loads()).toHaveLength(2);
    expect(labStore.getState().experiment.steps).toBe(1000);
    expect(embed.errors().join('\n')).toMatch(/beyond 200 a second are ignored/);
    // told at once, then at most once a second
    expect(embed.errors().join('\n')).toMatch(/arrive faster than the lab applies them .*coalesced into a later one/);
  });

  it('keeps the host\'s order: a run after a setState runs on the new state', () => {
    const embed = fakeEmbed('https://lab.example/#v=1&embed=1');
    embed.send({ type: 'setState', experiment: quick(7) });
    embed.send({ type: 'run' });
    expect(sent).toEqual([]);
    embed.frame();
    expect(sent.map((m) => m.type)).toEqual(['load', 'run']);
    expect(labStore.getState().experiment.steps).toBe(7);
  });

  it('at most 4 reloads a second, the rest wait (coalesced) rather than block', () => {
    const embed = fakeEmbed('https://lab.example/#v=1&embed=1');
    for (let i = 1; i <= 10; i++) {
      embed.send({ type: 'setState', experiment: quick(i) });
      embed.frame();
    }
    expect(loads()).toHaveLength(4);
    expect(labStore.getState().experiment.steps).toBe(4);
    // a second later the waiting (coalesced) state is applied: the host's last one
    embed.tick(1000);
    embed.frame(); // the budget's timer
    embed.frame(); // its frame
    expect(loads()).toHaveLength(5);
    expect(labStore.getState().experiment.steps).toBe(10);
  });
});

describe('hostile setState never loses the current experiment', () => {
  it('inside a burst, every bad setState is refused at once with its reason; the good one after applies', () => {
    const embed = fakeEmbed('https://lab.example/#v=1&embed=1');
    embed.send({ type: 'setState', experiment: { runs: 'x' } });
    embed.send({ type: 'setState', link: '#v=1&s=garbage' });
    embed.send({ type: 'setState', experiment: quick(9) });
    expect(embed.errors()).toEqual([expect.stringMatching(/^setState refused: runs/), expect.stringMatching(/^setState refused: the link's experiment is damaged/)]);
    embed.frame();
    expect(loads()).toHaveLength(1);
    expect(labStore.getState().experiment.steps).toBe(9);
  });


  it('a damaged, foreign or default-falling link is refused whole; a bad experiment too', () => {
    const before = labStore.getState().experiment;
    const good = defaultLinkState();
    good.experiment = { ...good.experiment, steps: 5 };
    const hostile: unknown[] = [
      '#v=1&s=garbage', '#v=2&s=x', `#${encodeLink(good)}&zz=1`, '#v=1&s=' + 'A'.repeat(30_000), `#v=1&s=${encodeURIComponent('N4Ig')}`,
      '\u0000\u001b[2J', 'javascript:alert(1)',
    ].map((link) => ({ type: 'setState', link }));
    hostile.push({ type: 'setState', experiment: { steps: -1, runs: 'x' } }, { type: 'setState', experiment: JSON.parse('{"__proto__":{"runs":[]},"constructor":1}') });
    for (const msg of hostile) {
      const embed = fakeEmbed('https://lab.example/#v=1&embed=1'); // one embed each: no pacing between them
      embed.send(msg);
      embed.frame();
      expect(embed.errors().join(), JSON.stringify(msg).slice(0, 80)).toMatch(/^setState refused/);
      embed.stop();
    }
    expect(labStore.getState().experiment).toBe(before);
    expect(loads()).toHaveLength(0);
    // a valid link applies, but never the embed's own options (its origin, its mode)
    const embed = fakeEmbed('https://lab.example/#v=1&embed=1');
    embed.send({ type: 'setState', link: '#v=1&origin=https%3A%2F%2Fevil.example&embed=0' });
    embed.frame();
    expect(labStore.getState().embed).toMatchObject({ on: true, parentOrigin: null });
    expect(loads()).toHaveLength(1);
  });
});

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
