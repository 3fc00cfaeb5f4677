/**
 * The GPO view from the store: the families of the comparison's losses, and each
 * run's latest βh per answer token (its h/k metrics) as points on them. The
 * math is the catalogue's (train/catalog.ts), the drawing the chart's.
 */
import { useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useRunStyles } from './useRunStyles';
import { GpoChart, type GpoCurve, type GpoPoint } from '../charts/GpoChart';
import { GPO, GPO_FAMILIES, gpoFamilyOf, type GpoFamily } from '../train/catalog';
import { hMetric } from '../train/metrics';
import { gpoLabel, runLabel } from './sourceText';
import { useLab } from './useLab';
import { useInView, useLive } from './useLive';

const CURVE_STYLE: Record<GpoFamily, { color: string; dashed?: boolean }> = {
  logistic: { color: 'var(--ink)' },
  hinge: { color: 'var(--ink)', dashed: true },
  square: { color: 'var(--muted)' },
};
const GRID = 241;

export function GpoView() {
  const ref = useRef<HTMLDivElement>(null);
  const visible = useInView(ref);
  const runs = useLab((s) => s.experiment.runs);
  const styles = useRunStyles();
  const hidden = useLab((s) => s.view.hidden);
  const N = useLab((s) => s.answerLength);
  const series = useLive((s) => s.series, 8, visible);
  const { t } = useTranslation();
  const points = useMemo<GpoPoint[]>(() => runs.flatMap((r, i) => {
    const family = gpoFamilyOf(r.loss);
    if (!family || hidden[i]) return [];
    return Array.from({ length: N }, (_, k) => series[i]?.metrics[hMetric(k)]?.at(-1)).flatMap((h, k) => {
      if (h === undefined || !Number.isFinite(h)) return [];
      const x = r.beta * h;
      return [{ key: `r${i}k${k}`, name: t('gpo.point', { name: runLabel(r), k: k + 1 }), color: styles[i]!.color, x, f: GPO[family].f(x), weight: GPO[family].weight(x) }];
    });
  }), [runs, styles, hidden, N, series, t]);
  const families = useMemo(() => {
    const present = GPO_FAMILIES.filter((g) => runs.some((r) => gpoFamilyOf(r.loss) === g));
    return present.length > 0 ? present : [...GPO_FAMILIES];
  }, [runs]);
  // x = βh from a little left of 0 to past every point (whole numbers, so the axis does not jitter).
  const [lo, hi] = useMemo(() => {
    const xs = points.map((p) => p.x);
    return [Math.max(-60, Math.floor(Math.min(-2, ...xs) - 0.5)), Math.min(60, Math.ceil(Math.max(3, ...xs) + 0.5))];
  }, [points]);
  const xs = useMemo(() => Array.from({ length: GRID }, (_, i) => lo + ((hi - lo) * i) / (GRID - 1)), [lo, hi]);
  const curves = useMemo<GpoCurve[]>(() => families.map((g) => ({
    key: g, label: `${gpoLabel(g)}${t('common.colon')}f(x) = ${g === 'logistic' ? 'log(1 + e^−x)' : g === 'hinge' ? 'max(0, 1 − x)' : '(x − ½)²'}`,
    f: xs.map(GPO[g].f), weight: xs.map(GPO[g].weight), ...CURVE_STYLE[g],
  })), [families, xs, t]);
  const step = Math.max(0, ...series.map((s) => s.metrics.loss?.length ?? 0));
  return (
    <div ref={ref} className="live gpo-live">
      <GpoChart
        xs={xs} curves={curves} points={points} step={step}
        note={t('gpo.note')}
      />
    </div>
  );
}
