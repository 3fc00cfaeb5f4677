/**
 * The architecture's rules, checked on the import graph of a set of source
 * files (the real tree, or the real tree plus a planted break in the tests).
 * Each rule names what it protects; a violation names the file and the import.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Path relative to src/ (posix) -> source text. */
export type SourceTree = Map<string, string>;

export function readTree(src: string): SourceTree {
  const tree: SourceTree = new Map();
  const walk = (dir: string) => {
    for (const f of readdirSync(dir)) {
      const p = path.join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.tsx?$/.test(f)) tree.set(path.relative(src, p).split(path.sep).join('/'), readFileSync(p, 'utf8'));
    }
  };
  walk(src);
  return tree;
}

interface Import {
  spec: string;
  typeOnly: boolean;
}

function importsOf(text: string): Import[] {
  const out: Import[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(type\s+)?[^'";]*?from\s+['"]([^'"]+)['"]/gm)) out.push({ spec: m[2]!, typeOnly: Boolean(m[1]) });
  for (const m of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) out.push({ spec: m[1]!, typeOnly: false });
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push({ spec: m[1]!, typeOnly: false });
  return out;
}

/** A relative import resolved inside the tree, or null for a package. */
function resolve(tree: SourceTree, from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec.replace(/\?.*$/, '')));
  for (const c of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`]) if (tree.has(c)) return c;
  return base; // a CSS file or an asset: a local path all the same
}

/** The folder a file lives in ('' for the entry files directly in src/). */
const layerOf = (file: string) => (file.includes('/') ? file.split('/')[0]! : '');
const packageOf = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);

const UI_PACKAGES = ['react', 'react-dom', 'zustand', 'recharts', 'katex'];

interface Rule {
  name: string;
  /** Files the rule applies to. */
  applies: (file: string) => boolean;
  /** A local import (a path in the tree) this rule forbids. */
  forbidsLocal?: (target: string) => boolean;
  /** A package this rule forbids. */
  forbidsPackage?: (pkg: string) => boolean;
}

/** The page's side of worker/: the protocol's types and the clients that start workers (no tfjs in any of them). */
const PAGE_SIDE_WORKER = ['worker/protocol.ts', 'worker/client.ts', 'worker/weightsCheck.ts'];

/** Local folders each layer may import (type-only imports included: they still couple the code). */
const ALLOWED: Record<string, (target: string) => boolean> = {
  model: (t) => layerOf(t) === 'model',
  train: (t) => ['model', 'train'].includes(layerOf(t)),
  worker: (t) => ['model', 'train', 'worker'].includes(layerOf(t)),
  state: (t) => ['model', 'train', 'state', 'i18n'].includes(layerOf(t)) || PAGE_SIDE_WORKER.includes(t),
  charts: (t) => ['charts', 'train', 'i18n'].includes(layerOf(t)),
  ui: (t) => ['model', 'train', 'state', 'charts', 'ui', 'i18n'].includes(layerOf(t)) || PAGE_SIDE_WORKER.includes(t),
  embed: (t) => (['model', 'train', 'state', 'charts', 'ui', 'embed', 'i18n'].includes(layerOf(t)) && t !== 'ui/App.tsx') || t === 'worker/protocol.ts',
  // The dictionaries and the message table: nothing of the app (train/'s English reaches them as arguments).
  i18n: (t) => layerOf(t) === 'i18n',
  cli: (t) => ['model', 'train', 'state', 'cli'].includes(layerOf(t)),
  bench: (t) => ['train', 'bench'].includes(layerOf(t)) || PAGE_SIDE_WORKER.includes(t),
};

export const RULES: Rule[] = [
  ...Object.entries(ALLOWED).map(([layer, allowed]): Rule => ({
    name: `${layer}/ imports only what its layer may (imports flow model <- train <- worker; state <- ui <- embed; i18n <- state, charts, ui, embed)`,
    applies: (f) => layerOf(f) === layer,
    forbidsLocal: (t) => !allowed(t),
  })),
  {
    name: 'model/, train/, worker/ and cli/ import no UI library (React, zustand, Recharts, KaTeX)',
    applies: (f) => ['model', 'train', 'worker', 'cli'].includes(layerOf(f)),
    forbidsPackage: (p) => UI_PACKAGES.includes(p),
  },
  {
    name: 'i18n/ never imports tfjs',
    applies: (f) => layerOf(f) === 'i18n',
    forbidsPackage: (p) => p.startsWith('@tensorflow'),
  },
  {
    name: 'state/ and charts/ import neither React-DOM nor tfjs',
    applies: (f) => ['state', 'charts'].includes(layerOf(f)),
    forbidsPackage: (p) => p === 'react-dom' || p.startsWith('@tensorflow'),
  },
  {
    name: 'ui/ never imports embed/ (the embed builds on the UI, not the other way)',
    applies: (f) => layerOf(f) === 'ui',
    forbidsLocal: (t) => layerOf(t) === 'embed',
  },
];

/** The page's files (everything that runs on the main thread) must never load tfjs, even through other files. */
const PAGE_ENTRY = 'main.tsx';

export interface Violation {
  rule: string;
  file: string;
  detail: string;
}

export function checkArchitecture(tree: SourceTree, maxLines = 360): Violation[] {
  const out: Violation[] = [];
  for (const [file, text] of tree) {
    for (const { spec } of importsOf(text)) {
      const local = resolve(tree, file, spec);
      for (const rule of RULES) {
        if (!rule.applies(file)) continue;
        if (local !== null && rule.forbidsLocal?.(local)) out.push({ rule: rule.name, file, detail: `imports ${local}` });
        if (local === null && rule.forbidsPackage?.(packageOf(spec))) out.push({ rule: rule.name, file, detail: `imports ${spec}` });
      }
    }
    const lines = text.split('\n').length;
    if (lines > maxLines) out.push({ rule: `source files stay under ~350 lines`, file, detail: `${lines} lines` });
  }
  // Runtime imports only: a type import vanishes from the bundle.
  const seen = new Set<string>();
  const visit = (file: string, trail: string[]) => {
    if (seen.has(file) || !tree.has(file)) return;
    seen.add(file);
    for (const { spec, typeOnly } of importsOf(tree.get(file)!)) {
      if (typeOnly) continue;
      const local = resolve(tree, file, spec);
      if (local !== null) visit(local, [...trail, local]);
      else if (packageOf(spec).startsWith('@tensorflow')) out.push({ rule: 'the page never loads tfjs (the worker owns it)', file, detail: `${[...trail].join(' -> ')} imports ${spec}` });
    }
  };
  if (tree.has(PAGE_ENTRY)) visit(PAGE_ENTRY, [PAGE_ENTRY]);
  return out;
}
