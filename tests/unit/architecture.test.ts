// The architecture the brief asks for, checked on the import graph: the page never loads tfjs,
// and model/train never import React or the store.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve('src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(f) ? [p] : [];
  });
}

/** Runtime imports of a file (type-only imports vanish at build time). */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(?!type\b)([^'"]*?)from\s+['"]([^'"]+)['"]/gm)) out.push(m[3]!);
  for (const m of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) out.push(m[1]!);
  return out;
}

function resolve(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = path.resolve(path.dirname(from), spec.replace(/\?.*$/, ''));
  for (const c of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')]) if (statSync(c, { throwIfNoEntry: false })?.isFile()) return c;
  return null;
}

/** Every package a file pulls in, following relative imports. */
function packagesReached(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (f: string) => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const spec of imports(f)) {
      const local = resolve(f, spec);
      if (local) visit(local);
      else if (!spec.startsWith('.')) packages.add(spec);
    }
  };
  visit(entry);
  return packages;
}

describe('architecture', () => {
  it('the page (main.tsx and everything it imports) never loads tfjs', () => {
    const pkgs = [...packagesReached(path.join(SRC, 'main.tsx'))];
    expect(pkgs.filter((p) => p.startsWith('@tensorflow'))).toEqual([]);
    expect(pkgs).toContain('react');
  });

  it('the worker owns tfjs', () => {
    expect([...packagesReached(path.join(SRC, 'worker/worker.ts'))]).toContain('@tensorflow/tfjs');
  });

  it('model and train import neither React nor the store nor the UI', () => {
    for (const f of files(path.join(SRC, 'model')).concat(files(path.join(SRC, 'train')))) {
      for (const spec of imports(f)) {
        expect(spec, f).not.toMatch(/^react|zustand|recharts|\/state\/|\/ui\/|\/charts\//);
      }
    }
  });

  it('charts read no store', () => {
    for (const f of files(path.join(SRC, 'charts'))) for (const spec of imports(f)) expect(spec, f).not.toMatch(/zustand|\/state\//);
  });

  it('keeps source files under ~350 lines', () => {
    for (const f of files(SRC)) expect(readFileSync(f, 'utf8').split('\n').length, f).toBeLessThanOrEqual(360);
  });
});
