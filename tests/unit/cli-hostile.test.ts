// The command line against hostile input: terminal control sequences, devices, bad output paths.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import LZString from 'lz-string';
import { describe, expect, it } from 'vitest';
import { safeText } from '../../src/cli/print';
import { checkOutputDir, checkOutputFile, MAX_CONFIG_BYTES, readCapped } from '../../src/cli/io';
import { MAX_WEIGHTS_BYTES } from '../../src/model/weights';
import { encodeLink } from '../../src/state/link';
import { defaultLinkState } from '../../src/state/linkState';
import { RunSchema } from '../../src/train/run';

const dir = mkdtempSync(path.join(tmpdir(), 'cli-hostile-'));
const tmp = (name: string) => path.join(dir, name);

/** Runs the CLI; one that hangs is killed at 2 minutes and fails with code -1. */
function experiment(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(path.resolve('node_modules/.bin/tsx'), ['src/cli/experiment.ts', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** Any terminal control character but the newline: C0, DEL, C1, bidi overrides. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const OSC52 = '\u001b]52;c;aGFja2Vk\u0007';
const CLEAR = '\u001b[2J\u001b[H';

describe('regression #6: the CLI prints no terminal control characters', () => {
  it('safeText escapes C0, C1, DEL and bidi controls, and keeps newlines unless asked', () => {
    expect(safeText(`${OSC52}a${CLEAR}\n\u009b2J\u007f\u202e`)).toBe('\\x1b]52;c;aGFja2Vk\\x07a\\x1b[2J\\x1b[H\n\\x9b2J\\x7f\\u202e');
    expect(safeText('a\nb\r', { newlines: false })).toBe('a\\x0ab\\x0d');
    expect(safeText('β=0.1 — ok')).toBe('β=0.1 — ok');
  });

  it('every print path of src/cli goes through print.ts', () => {
    const cli = path.resolve('src/cli');
    for (const f of readdirSync(cli).filter((n) => n !== 'print.ts')) {
      const text = readFileSync(path.join(cli, f), 'utf8');
      expect(text, f).not.toMatch(/console\.(log|error|warn|info)|process\.(stdout|stderr)\.write/);
    }
  });

  it('a link label, a link warning and an error message reach the terminal escaped', () => {
    const state = defaultLinkState();
    state.experiment = { ...state.experiment, model: 'tiny', steps: 1, runs: [RunSchema.parse({ label: `${OSC52}${CLEAR}pwned`, loss: 'dpo', beta: 0.1, lr: 0.1, optimizer: 'sgd' })] };
    const hash = encodeLink(state);
    // An unknown key in the payload comes back in a warning.
    const payload = JSON.parse(LZString.decompressFromEncodedURIComponent(new URLSearchParams(hash).get('s')!)!);
    payload[`${CLEAR}x`] = 1;
    const link = `https://lab.example/#v=1&s=${LZString.compressToEncodedURIComponent(JSON.stringify(payload))}`;
    const r = experiment('--link', link, '--backend', 'cpu');
    expect(r.code).toBe(0);
    expect(r.out + r.err).not.toMatch(CONTROL);
    expect(r.out).toContain('\\x1b]52;c;aGFja2Vk\\x07\\x1b[2J\\x1b[Hpwned');
    expect(r.err).toMatch(/warning: link: ignored unknown setting .*\\x1b\[2J/);
    const bad = experiment('--preset', `${CLEAR}${OSC52}`);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/unknown preset "\\x1b\[2J/);
    expect(bad.out + bad.err).not.toMatch(CONTROL);
  });
});

describe('regression #11: the CLI caps what it reads and checks where it writes before training', () => {
  it('--config /dev/zero and --policy-weights /dev/zero stop at their caps, fast, with exit code 2', () => {
    const config = experiment('--config', '/dev/zero');
    expect(config.code).toBe(2);
    expect(config.err).toMatch(/--config \/dev\/zero: larger than 1,000,000 bytes/);
    const weights = experiment('--preset', '6.2', '--model', 'tiny', '--policy-weights', '/dev/zero');
    expect(weights.code).toBe(2);
    expect(weights.err).toMatch(/--policy-weights \/dev\/zero: larger than [\d,]+ bytes/);
    // each used to read 5.3 GB before it refused; a hang fails the test by its timeout
  });

  it('readCapped: regular files over the cap are refused without reading; devices and folders give messages', async () => {
    writeFileSync(tmp('big.json'), Buffer.alloc(MAX_CONFIG_BYTES + 1, 0x20));
    await expect(readCapped(tmp('big.json'), MAX_CONFIG_BYTES, '--config')).rejects.toThrow(/larger than 1,000,000 bytes/);
    await expect(readCapped('/dev/zero', MAX_WEIGHTS_BYTES, '--ref-weights')).rejects.toThrow(/--ref-weights \/dev\/zero: larger than/);
    await expect(readCapped(dir, 10, '--config')).rejects.toThrow(/is a directory/);
    await expect(readCapped(tmp('none'), 10, '--config')).rejects.toThrow(/no such file/);
    writeFileSync(tmp('small.json'), '{"steps": 3}');
    expect(new TextDecoder().decode(await readCapped(tmp('small.json'), 100, '--config'))).toBe('{"steps": 3}');
    expect((await readCapped('/dev/null', 100, '--config')).byteLength).toBe(0);
  });

  it('output paths: a missing folder, a folder as --json, a file in the way of --export-init', () => {
    expect(() => checkOutputFile(tmp('nope/out.json'), '--json')).toThrow(/--json .*: its folder .*nope does not exist/);
    expect(() => checkOutputFile(dir, '--json')).toThrow(/is a directory/);
    expect(() => checkOutputFile(tmp('ok.json'), '--json')).not.toThrow();
    writeFileSync(tmp('afile'), 'x');
    expect(() => checkOutputDir(tmp('afile/init'), '--export-init')).toThrow(/afile is not a folder/);
    expect(() => checkOutputFile(tmp('afile/out.json'), '--json')).toThrow(/afile is not a folder/);
    expect(() => checkOutputDir(tmp('new/deeper/init'), '--export-init')).not.toThrow();
    mkdirSync(tmp('ro'));
    chmodSync(tmp('ro'), 0o500);
    if (process.getuid?.() !== 0) expect(() => checkOutputDir(tmp('ro/init'), '--export-init')).toThrow(/not writable/); // root may write anywhere
  });

  it('a bad --json path or --export-init is found before training, exit code 2', () => {
    const r = experiment('--preset', '6.2', '--steps', '10000', '--json', tmp('missing/out.json'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--json .*missing\/out.json: its folder .* does not exist/);
    expect(r.out).toBe(''); // no training table: nothing ran
    const d = experiment('--preset', '6.2', '--steps', '10000', '--export-init', tmp('afile/init'));
    expect(d.code).toBe(2);
    expect(d.err).toMatch(/--export-init .*afile is not a folder/);
  });
});
