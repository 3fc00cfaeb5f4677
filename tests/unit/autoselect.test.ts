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

  it('measures a real speed on the active backend (CPU here)', async () => {
    const sps = await measureSpeed(parseExperiment({ model: 'tiny', steps: 100, runs: [{ loss: 'dpo', beta: 0.1, lr: 0.1 }] }));
    expect(sps).toBeGreaterThan(1);
    expect(sps).toBeLessThan(10_000);
  });
});
