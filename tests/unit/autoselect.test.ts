import { describe, expect, it } from 'vitest';
import { decide, gpuCandidates, measureSpeed } from '../../src/worker/autoselect';
import { parseExperiment } from '../../src/train/experiment';
import type { BackendProbe } from '../../src/worker/protocol';

const probe = (name: BackendProbe['name'], available: boolean, software = false): BackendProbe => ({ name, available, software, detail: '' });

describe("'auto' backend selection", () => {
  it('measures hardware GPUs only: a software adapter is skipped without measuring', () => {
    expect(gpuCandidates([probe('webgpu', true, true), probe('webgl', true, true), probe('wasm', true), probe('cpu', true)])).toEqual([]);
    expect(gpuCandidates([probe('webgpu', true), probe('webgl', true, true), probe('wasm', true), probe('cpu', true)])).toEqual(['webgpu']);
    expect(gpuCandidates([probe('webgpu', false), probe('webgl', true), probe('wasm', true), probe('cpu', true)])).toEqual(['webgl']);
  });

  it('keeps the fastest measured backend and says so', () => {
    expect(decide({ webgpu: 35.2, wasm: 16.1 })).toEqual({ pick: 'webgpu', reason: 'measured WebGPU 35 steps/s, WASM 16 steps/s: using WebGPU' });
    expect(decide({ webgl: 3.4, wasm: 150 })).toEqual({ pick: 'wasm', reason: 'measured WASM 150 steps/s, WebGL 3.4 steps/s: using WASM' });
    expect(decide({ webgpu: Number.NaN })).toEqual({ pick: 'wasm', reason: 'no backend could be measured: using WASM' });
  });

  // A clock that moves `tick` ms each time it is read: the measurement is then exact arithmetic.
  const clock = (tick: number) => {
    let t = 0;
    return () => (t += tick);
  };
  const e = parseExperiment({ model: 'tiny', steps: 100, runs: [{ loss: 'dpo', beta: 0.1, lr: 0.1 }] });

  it('times 4 steps after the warm-up, really training them on the active backend (CPU here)', async () => {
    // Reads: t0 = 100, one per step (200..500), the end (600): 4 steps in 500 ms.
    expect(await measureSpeed(e, clock(100))).toBe(8);
  });

  it('stops timing a slow backend after 6 s', async () => {
    // t0 = 4000; step 1 starts at 8000 (4 s in); at 12000 (8 s in) it stops; end 16000: 1 step in 12 s.
    expect(await measureSpeed(e, clock(4000))).toBeCloseTo(1 / 12, 10);
  });
});
