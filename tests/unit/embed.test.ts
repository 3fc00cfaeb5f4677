import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/embed/api';

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
