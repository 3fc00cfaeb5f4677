// Importing weights from the page: hostile files are refused off the main thread and change nothing.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { MODEL_PRESETS, type ModelPresetId } from '../../src/model/config';
import { initParams } from '../../src/model/params';
import { exportSafetensors, importSafetensors, MAX_WEIGHTS_BYTES } from '../../src/model/weights';
import { connectEngine } from '../../src/state/actions';
import { initialState, labStore } from '../../src/state/store';
import { loadWeightsFile, type WeightsFile } from '../../src/ui/loadWeights';
import type { ToWorker } from '../../src/worker/protocol';

let sent: ToWorker[];
beforeEach(() => {
  labStore.setState(initialState(), true);
  sent = [];
  connectEngine({ send: (m) => sent.push(m), restart: () => {}, dispose: () => {} });
  sent = [];
});

/** The worker's check, run here (the test has no Worker): the same function the check worker calls. */
const inThread = async (bytes: ArrayBuffer, model: ModelPresetId) => {
  try {
    importSafetensors(new Uint8Array(bytes), MODEL_PRESETS[model]);
    return null;
  } catch (e) {
    return (e as Error).message;
  }
};
const fileOf = (name: string, bytes: Uint8Array, size = bytes.byteLength): WeightsFile => ({ name, size, arrayBuffer: async () => bytes.slice().buffer });

function header(h: unknown, extra = 0): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(h));
  const out = new Uint8Array(8 + json.length + extra);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

describe('weights import from the page', () => {
  it('regression #4/#5/#10: hostile files are refused with a notice, and the experiment and training stay as they were', async () => {
    const before = labStore.getState().experiment;
    const training = labStore.getState().training;
    const good = exportSafetensors(initParams(MODEL_PRESETS[before.model], 1, 0), 'policy');
    const junk = new Uint8Array(good.length + 1000);
    junk.set(good);
    const many: Record<string, unknown> = {};
    for (let i = 0; i < 2000; i++) many[`t${i}`] = { dtype: 'F32', shape: [0], data_offsets: [0, 0] };
    const hostile: [WeightsFile, RegExp][] = [
      [fileOf('junk.safetensors', junk), /1000 bytes follow the last tensor/],
      [fileOf('many.safetensors', header(many)), /2000 entries, over the limit/],
      [fileOf('proto.safetensors', header({ x: { dtype: '__proto__', shape: [1], data_offsets: [0, 4] } }, 4)), /unsupported dtype "__proto__"/],
      [fileOf('huge.safetensors', new Uint8Array(8), 5e9), /5000.0 MB; weights of the largest model take at most/],
      [fileOf('\u001b]52;c;aGk=\u0007.safetensors', new Uint8Array(3)), /shorter than the 8-byte header/],
    ];
    for (const [file, message] of hostile) {
      expect(await loadWeightsFile('policy', file, inThread)).toBe(false);
      expect(labStore.getState().notices.at(-1)!.text).toMatch(message);
    }
    expect(labStore.getState().experiment).toBe(before);
    expect(labStore.getState().training).toBe(training);
    expect(sent).toEqual([]); // nothing reached the training worker
    // and a good file does
    expect(await loadWeightsFile('reference', fileOf('ok.safetensors', good), inThread)).toBe(true);
    expect(sent.map((m) => m.type)).toEqual(['load']);
    expect(labStore.getState().experiment).toBe(before);
  });

  it('regression #4: a file is not read at all past the size cap', async () => {
    let read = false;
    const file: WeightsFile = { name: 'zero', size: MAX_WEIGHTS_BYTES + 1, arrayBuffer: async () => ((read = true), new ArrayBuffer(0)) };
    expect(await loadWeightsFile('policy', file, inThread)).toBe(false);
    expect(read).toBe(false);
  });

  it('regression #4: nothing the page loads parses safetensors on its main thread (the check runs in a worker)', () => {
    // Walk the page's import graph from main.tsx; workers are started by URL, not imported.
    const src = path.resolve('src');
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^'"]*?from\s+['"](\.[^'"]+)['"]/gm)) {
        const base = path.resolve(path.dirname(file), m[1]!);
        const hit = [base, `${base}.ts`, `${base}.tsx`].find((c) => statSync(c, { throwIfNoEntry: false })?.isFile());
        if (hit) visit(hit);
      }
    };
    visit(path.join(src, 'main.tsx'));
    const callers = [...seen].filter((f) => !f.startsWith(path.join(src, 'model')) && /\b(importSafetensors|parseSafetensors)\(/.test(readFileSync(f, 'utf8')));
    expect(callers).toEqual([]);
    expect(seen.has(path.join(src, 'ui/loadWeights.ts'))).toBe(true);
    expect(readdirSync(path.join(src, 'worker'))).toContain('weightsCheck.worker.ts');
  });
});
