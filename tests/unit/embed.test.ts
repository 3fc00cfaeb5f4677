import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/embed/api';
import { embedHeight, EMBED_LAYOUT, runCardHeight } from '../../src/state/embedHeight';
import { defaultLinkState } from '../../src/state/linkState';

describe('embed commands', () => {
  it('accepts the documented commands', () => {
    expect(parseCommand({ type: 'run' })).toEqual({ type: 'run' });
    expect(parseCommand({ type: 'pause', extra: 1 })).toEqual({ type: 'pause' });
    expect(parseCommand({ type: 'reset' })).toEqual({ type: 'reset' });
    expect(parseCommand({ type: 'setState', link: '#v=1' })).toEqual({ type: 'setState', link: '#v=1' });
    expect(parseCommand({ type: 'setState', experiment: { runs: [] } })).toEqual({ type: 'setState', experiment: { runs: [] } });
  });

  it('ignores everything else', () => {
    const hostile: unknown[] = [
      undefined, null, 'run', 7, [], [{ type: 'run' }], { type: 'RUN' }, { type: 'eval', code: 'x' }, { type: 'setState' },
      { type: 'setState', link: '#', experiment: {} }, { type: 'setState', link: 5 }, { type: 'setState', experiment: [] },
      { type: 'setState', link: 'x'.repeat(300_000) }, Object.create(null), { type: ['run'] },
      new Proxy({}, { get() { throw new Error('trap'); }, ownKeys() { throw new Error('trap'); } }),
      (() => { const c: Record<string, unknown> = { type: 'run' }; c.self = c; return c; })(), { type: 'run', big: 10n },
    ];
    for (const h of hostile) expect(parseCommand(h)).toBeNull();
  });
});

describe('the embed snippet\'s height', () => {
  const e = defaultLinkState().experiment; // §6.3.1: five full-model runs
  it('grows with the runs and with the run editor, from the measured layout', () => {
    expect(embedHeight(e, false)).toBe(EMBED_LAYOUT.charts.en + 5 * EMBED_LAYOUT.perRun.en);
    expect(embedHeight(e, false, 'zh')).toBe(EMBED_LAYOUT.charts.zh + 5 * EMBED_LAYOUT.perRun.zh);
    // Measured (trained, 700 px): English 624 px for five runs, Chinese 589; each held with at most 64 px to spare
    expect(embedHeight(e, false, 'en') - 624).toBeGreaterThanOrEqual(0);
    expect(embedHeight(e, false, 'en') - 624).toBeLessThanOrEqual(64);
    expect(embedHeight(e, false, 'zh') - 589).toBeGreaterThanOrEqual(0);
    expect(embedHeight(e, false, 'zh') - 589).toBeLessThanOrEqual(64);
    expect(embedHeight({ runs: e.runs.slice(0, 1) }, false)).toBeLessThan(embedHeight(e, false));
    expect(embedHeight(e, true)).toBeGreaterThan(embedHeight(e, false) + 5 * EMBED_LAYOUT.card);
    // One run: the settings column is the taller one.
    expect(embedHeight({ runs: e.runs.slice(0, 1) }, true)).toBe(Math.ceil(embedHeight({ runs: e.runs.slice(0, 1) }, false) + EMBED_LAYOUT.editorGap + EMBED_LAYOUT.settings));
  });
  it('counts a card\'s rows: a loss\'s own setting, an adapter\'s fields', () => {
    const dpo = e.runs.find((r) => r.loss === 'dpo')!;
    expect(runCardHeight(dpo)).toBe(EMBED_LAYOUT.card);
    expect(runCardHeight({ ...dpo, loss: 'kto' })).toBe(EMBED_LAYOUT.card + EMBED_LAYOUT.fieldRow);
    expect(runCardHeight({ ...dpo, policy: 'lora' })).toBe(EMBED_LAYOUT.card + 2 * EMBED_LAYOUT.fieldRow + EMBED_LAYOUT.adapterTargets);
  });
});
