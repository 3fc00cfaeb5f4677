// Run colours by loss family, checked by numbers: contrast on each theme's backgrounds, and distances
// between colours as readers with each kind of colour-vision deficiency see them (simulated).
import { describe, expect, it } from 'vitest';
import { BACKGROUNDS, FAMILY_SHADES, runStyle, type Theme } from '../../src/charts/colors';
import { LOSS_IDS } from '../../src/train/catalog';
import { hasFamily, LOSS_FAMILIES, lossFamily } from '../../src/train/families';
import { fillSlots } from '../../src/state/shades';
import { contrastRatio, CVD, deltaE, hexToLinear, simulate } from './helpers/cvd';

const THEMES: Theme[] = ['light', 'dark'];
/** Minimum CIELAB ΔE between any two colours of different families, and between shades of one family. */
const MIN_ACROSS = 12;
const MIN_WITHIN = 10;

describe('run palette', () => {
  it('gives every loss of the catalogue a family', () => {
    for (const id of LOSS_IDS) expect(hasFamily(id), id).toBe(true);
    expect(lossFamily('dpo')).toBe('dpo');
    expect(lossFamily('ipo_mean')).toBe('ipo');
    expect(lossFamily('simpo')).toBe('reference-free');
  });

  for (const theme of THEMES) {
    it(`${theme}: every shade has at least 3:1 contrast with the panel and the page`, () => {
      for (const f of LOSS_FAMILIES) for (const c of FAMILY_SHADES[theme][f]) for (const bg of BACKGROUNDS[theme]) {
        expect(contrastRatio(c, bg), `${f} ${c} on ${bg}`).toBeGreaterThanOrEqual(3);
      }
    });

    for (const [vision, matrix] of Object.entries(CVD)) {
      it(`${theme}, ${vision}: families stay apart, and so do the shades of one family`, () => {
        const all = LOSS_FAMILIES.flatMap((f) => FAMILY_SHADES[theme][f].map((hex) => ({ f, hex, seen: simulate(hexToLinear(hex), matrix) })));
        let across = Infinity;
        let within = Infinity;
        for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) {
          const d = deltaE(all[i]!.seen, all[j]!.seen);
          if (all[i]!.f === all[j]!.f) within = Math.min(within, d);
          else across = Math.min(across, d);
        }
        expect(across).toBeGreaterThanOrEqual(MIN_ACROSS);
        expect(within).toBeGreaterThanOrEqual(MIN_WITHIN);
      });
    }
  }

  it('the simulation is not vacuous: the old palette\'s green and red collide under deuteranopia', () => {
    const [green, red] = ['#59a14f', '#e15759'].map((h) => simulate(hexToLinear(h), CVD.deuteranopia));
    expect(deltaE(green!, red!)).toBeLessThan(MIN_WITHIN);
  });

  it('colours a run by its family and its slot: DPO runs blue, IPO runs orange, a 4th run of a family dashed', () => {
    const dpo = runStyle('dpo', 0, 'light');
    const ipo = runStyle('ipo', 0, 'light');
    expect(FAMILY_SHADES.light.dpo).toContain(dpo.color);
    expect(FAMILY_SHADES.light.ipo).toContain(ipo.color);
    expect(new Set([0, 1, 2].map((s) => runStyle('ipo', s, 'light').color)).size).toBe(3);
    expect(runStyle('ipo', 3, 'light')).toMatchObject({ color: ipo.color, dash: expect.any(String) });
    expect(runStyle('cdpo', 0, 'dark').color).toBe(runStyle('dpo', 0, 'dark').color);
  });
});

describe('colour slots', () => {
  const runs = (losses: string[]) => losses.map((loss) => ({ loss }));

  it('numbers each family\'s runs in order when nothing is kept', () => {
    expect(fillSlots(runs(['ipo', 'ipo', 'ipo', 'dpo', 'dpo']), [])).toEqual([0, 1, 2, 0, 1]);
  });

  it('keeps every run\'s slot when a run is removed or added, and gives a new run the first free slot', () => {
    const before = fillSlots(runs(['ipo', 'ipo', 'ipo', 'dpo', 'dpo']), []);
    // remove the first IPO run: the others keep their slots (and colours)
    expect(fillSlots(runs(['ipo', 'ipo', 'dpo', 'dpo']), before.slice(1))).toEqual([1, 2, 0, 1]);
    // add an IPO run at the end: it takes the free slot 0
    expect(fillSlots(runs(['ipo', 'ipo', 'dpo', 'dpo', 'ipo']), [1, 2, 0, 1])).toEqual([1, 2, 0, 1, 0]);
  });

  it('gives a run that changes family a free slot in its new family, and resolves clashes in order', () => {
    expect(fillSlots(runs(['ipo', 'ipo', 'dpo']), [0, 1, 1])).toEqual([0, 1, 1]);
    expect(fillSlots(runs(['ipo', 'dpo', 'dpo']), [0, 0, 0])).toEqual([0, 0, 1]);
    expect(fillSlots(runs(['dpo', 'dpo']), [5, 5])).toEqual([5, 0]);
  });
});
