/**
 * Run colours by loss family: one hue per family (blue DPO, orange IPO,
 * purple hinge, teal reference-free), a shade per run of that family, and
 * past three runs of one family, the shades again with dashes. A run keeps
 * its slot in its family when others are added or removed (state/shades.ts),
 * so its colour does not move.
 *
 * Each theme has its own shades: at least 3:1 against the panel and the page
 * (WCAG's contrast for graphics), and told apart under protanopia,
 * deuteranopia and tritanopia: tests/unit/palette.test.ts simulates them
 * (Machado et al. 2009) and checks a minimum CIELAB distance.
 * The squeeze view uses no hue at all (solid and striped ink), so its marks
 * never read as a run.
 */
import { LOSS_FAMILIES, lossFamily, type LossFamily } from '../train/families';

export type Theme = 'light' | 'dark';

type Shades = readonly [string, string, string];

export const FAMILY_SHADES: Record<Theme, Record<LossFamily, Shades>> = {
  light: {
    dpo: ['#183dab', '#325ecd', '#4e7ef0'],
    ipo: ['#712d01', '#ac4700', '#df6f33'],
    hinge: ['#690564', '#8c2c84', '#ae4da5'],
    'reference-free': ['#035246', '#0d7866', '#00a089'],
  },
  dark: {
    dpo: ['#557bbf', '#7097dd', '#8bb4fd'],
    ipo: ['#c05d06', '#f07f2d', '#fdb68c'],
    hinge: ['#ba80b6', '#db9fd7', '#fdc0f8'],
    'reference-free': ['#14a08e', '#09c3ad', '#1ee6cd'],
  },
};

/** The backgrounds the shades are drawn on (styles.css: --panel and --bg). */
export const BACKGROUNDS: Record<Theme, readonly string[]> = { light: ['#ffffff', '#f7f7f5'], dark: ['#1b2128', '#12161b'] };

export const FAMILY_LABELS: Record<LossFamily, string> = { dpo: 'DPO family', ipo: 'IPO family', hinge: 'hinge', 'reference-free': 'reference-free' };

/** A family's first run gets the middle shade, the next the darker, then the lighter. */
const SHADE_OF_SLOT = [1, 0, 2] as const;
/** Dash patterns for the 4th-6th and 7th-9th run of one family. */
const DASHES = [undefined, '6 3', '1.5 2.5'] as const;

export interface RunStyle {
  color: string;
  /** SVG stroke-dasharray, or undefined for a solid line. */
  dash?: string;
  family: LossFamily;
}

export function runStyle(loss: string, slot: number, theme: Theme): RunStyle {
  const family = lossFamily(loss);
  const s = Math.max(0, Math.floor(slot));
  const dash = DASHES[Math.floor(s / 3) % DASHES.length];
  return { color: FAMILY_SHADES[theme][family][SHADE_OF_SLOT[s % 3]!], family, ...(dash && { dash }) };
}

export { LOSS_FAMILIES };
