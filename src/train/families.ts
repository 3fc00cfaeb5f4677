/**
 * Losses grouped by how they treat a sure preference: the charts give each
 * family one hue (its runs get shades of it), and the guidance and verdicts
 * say what each family is expected to do. Pure TS.
 *
 * - dpo: a logistic loss on the implicit reward margin, with a reference
 *   (DPO and its variants): no floor for the rejected answer.
 * - ipo: a squared loss towards the target margin 1/(2β): it stops there.
 * - hinge: SLiC's hinge: the loss is exactly 0 once βh passes 1.
 * - reference-free: SimPO, ORPO (and CPO): no reference model in the loss.
 */

export const LOSS_FAMILIES = ['dpo', 'ipo', 'hinge', 'reference-free'] as const;
export type LossFamily = (typeof LOSS_FAMILIES)[number];

/**
 * Every loss id the lab knows, and the ids being added (kto, cpo). Keyed by
 * string on purpose: a loss missing here is caught by tests/unit/palette.test.ts,
 * and still gets a colour (the DPO family's) rather than breaking the page.
 */
const FAMILY_OF: Readonly<Record<string, LossFamily>> = {
  dpo: 'dpo',
  cdpo: 'dpo',
  robust: 'dpo',
  dpop: 'dpo',
  kto: 'dpo',
  ipo: 'ipo',
  ipo_mean: 'ipo',
  hinge: 'hinge',
  simpo: 'reference-free',
  orpo: 'reference-free',
  cpo: 'reference-free',
};

export function hasFamily(loss: string): boolean {
  return Object.hasOwn(FAMILY_OF, loss);
}

export function lossFamily(loss: string): LossFamily {
  return FAMILY_OF[loss] ?? 'dpo';
}
