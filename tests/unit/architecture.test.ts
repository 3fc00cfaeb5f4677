// The architecture the brief asks for, checked on the import graph (helpers/architecture.ts). Each rule is
// also shown to fail: a break is planted in a copy of the tree and must be reported, naming its rule.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkArchitecture, readTree, RULES, type SourceTree } from './helpers/architecture';

const tree = readTree(path.resolve('src'));
const withFile = (file: string, text: string): SourceTree => new Map([...tree, [file, text]]);
const rulesBroken = (t: SourceTree) => [...new Set(checkArchitecture(t).map((v) => v.rule))];

describe('architecture', () => {
  it('the tree keeps every rule', () => {
    expect(checkArchitecture(tree)).toEqual([]);
  });

  it('the worker owns tfjs (the check below is not vacuous)', () => {
    expect(tree.get('worker/backends.ts')).toMatch(/from '@tensorflow\/tfjs'/);
  });

  const planted: [string, string, string, RegExp][] = [
    ['React imported under model/', 'model/planted.ts', "import { useState } from 'react';\nexport const x = useState;", /^model\/ imports only|import no UI library/],
    ['model/ importing train/', 'model/planted.ts', "import { LOSS_IDS } from '../train/catalog';\nexport const x = LOSS_IDS;", /^model\/ imports only/],
    ['tfjs imported under state/', 'state/planted.ts', "import * as tf from '@tensorflow/tfjs';\nexport const x = tf;", /state\/ and charts\/ import neither/],
    ['a ui/ file importing worker/ internals', 'ui/Planted.tsx', "import { Runner } from '../worker/runner';\nexport const x = Runner;", /^ui\/ imports only/],
    ['embed/ importing ui/App', 'embed/Planted.tsx', "import { App } from '../ui/App';\nexport const x = App;", /^embed\/ imports only/],
    ['ui/ importing embed/ (the old back arrow)', 'ui/Planted.tsx', "import { EmbedApp } from '../embed/EmbedApp';\nexport const x = EmbedApp;", /ui\/ never imports embed/],
    ['train/ importing the store', 'train/planted.ts', "import { labStore } from '../state/store';\nexport const x = labStore;", /^train\/ imports only/],
    ['charts/ reading the store', 'charts/Planted.tsx', "import { labStore } from '../state/store';\nexport const x = labStore;", /^charts\/ imports only/],
    ['zustand under worker/', 'worker/planted.ts', "import { createStore } from 'zustand/vanilla';\nexport const x = createStore;", /import no UI library/],
    ['the page reaching tfjs through train/', 'ui/Planted.tsx', "import { createComparison } from '../train/session';\nexport const x = createComparison;", /the page never loads tfjs/],
    ['i18n/ importing the store', 'i18n/planted.ts', "import { labStore } from '../state/store';\nexport const x = labStore;", /^i18n\/ imports only/],
    ['i18n/ importing train/ (its English comes as arguments)', 'i18n/planted.ts', "import { PRESETS } from '../train/presets';\nexport const x = PRESETS;", /^i18n\/ imports only/],
    ['tfjs imported under i18n/', 'i18n/planted.ts', "import * as tf from '@tensorflow/tfjs';\nexport const x = tf;", /i18n\/ never imports tfjs/],
    ['a file of 400 lines', 'train/long.ts', Array.from({ length: 400 }, (_, i) => `export const x${i} = ${i};`).join('\n'), /under ~350 lines/],
  ];
  for (const [what, file, text, rule] of planted) {
    it(`fails on ${what}`, () => {
      // The page reaches a planted ui/ file only if something imports it: App does, in the planted copy.
      const t = withFile(file, text);
      if (file.startsWith('ui/')) t.set('ui/App.tsx', `import { x as planted } from './${path.basename(file, '.tsx')}';\nvoid planted;\n${tree.get('ui/App.tsx')}`);
      const broken = rulesBroken(t);
      expect(broken.some((r) => rule.test(r)), `${what}: reported ${JSON.stringify(broken)}`).toBe(true);
    });
  }

  it('every rule is exercised by a planted break', () => {
    const exercised = new Set(planted.flatMap(([, file, text]) => {
      const t = withFile(file, text);
      if (file.startsWith('ui/')) t.set('ui/App.tsx', `import { x as planted } from './${path.basename(file, '.tsx')}';\n${tree.get('ui/App.tsx')}`);
      return rulesBroken(t);
    }));
    const layersWithoutPlant = ['worker', 'cli', 'bench', 'state'].map((l) => `${l}/ imports only what its layer may (imports flow model <- train <- worker; state <- ui <- embed; i18n <- state, charts, ui, embed)`);
    for (const r of RULES) if (!layersWithoutPlant.includes(r.name)) expect(exercised.has(r.name), r.name).toBe(true);
  });
});
