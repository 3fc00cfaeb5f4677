/**
 * The GPO view (Tang et al. 2024): the loss f(βh) of each GPO family in the
 * comparison and its gradient weight −f′(βh), with each run's current βh per
 * answer token as points on both curves. Fed plain arrays (no store access):
 * the curves sampled on a grid of x = βh, the points' x, f and weight.
 *
 * The points are registered in window.dpoLab.gpo (step and points), so tests
 * read where they are, not a screenshot.
 */
import { memo, useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { CartesianGrid, LineChart, ReferenceLine, ResponsiveContainer, XAxis, YAxis, usePlotArea, useXAxisScale, useYAxisScale } from 'recharts';
import { SeriesPaths } from './SeriesPaths';
import { formatTick, formatValue, niceTicks } from './format';

export interface GpoCurve {
  key: string;
  label: string;
  /** f and −f′ on the grid xs. */
  f: number[];
  weight: number[];
  color: string;
  dashed?: boolean;
}

export interface GpoPoint {
  key: string;
  name: string;
  color: string;
  /** βh of one answer token of one run, and the run's family's f and −f′ there. */
  x: number;
  f: number;
  weight: number;
}

export interface GpoChartProps {
  xs: number[];
  curves: GpoCurve[];
  points: GpoPoint[];
  step: number;
  note?: string;
  controls?: React.ReactNode;
  onExportPng?: (figure: HTMLElement) => void;
}

/** The y windows: wide enough for the interesting part, fixed so the points visibly move against them. */
const F_DOMAIN: [number, number] = [0, 4];
const WEIGHT_DOMAIN: [number, number] = [-2, 2];

function Points({ points, value, domain }: { points: GpoPoint[]; value: 'f' | 'weight'; domain: [number, number] }) {
  const xScale = useXAxisScale();
  const yScale = useYAxisScale();
  const area = usePlotArea();
  if (!xScale || !yScale || !area) return null;
  return (
    <g className="gpo-points">
      {points.map((p) => {
        const v = p[value];
        // Outside the window: drawn on its edge, hollow.
        const clamped = Math.min(domain[1], Math.max(domain[0], v));
        const cx = xScale(p.x);
        const cy = yScale(clamped);
        if (cx === undefined || cy === undefined || !Number.isFinite(cx) || !Number.isFinite(cy)) return null;
        const outside = clamped !== v;
        return (
          <circle key={p.key} className="gpo-point" data-key={p.key} cx={cx} cy={cy} r={4} fill={outside ? 'none' : p.color} stroke={p.color} strokeWidth={1.5} fillOpacity={0.85}>
            <title>{`${p.name}: βh = ${formatValue(p.x)}, ${value === 'f' ? 'f' : '−f′'} = ${formatValue(v)}`}</title>
          </circle>
        );
      })}
    </g>
  );
}

/* Axis titles with their units (gpo.axis): βh is a scaled log-ratio (nats times β); f is a loss, −f′ a weight per unit of βh. */

function Panel({ id, title, xs, curves, points, value, domain }: { id: string; title: string; xs: number[]; curves: GpoCurve[]; points: GpoPoint[]; value: 'f' | 'weight'; domain: [number, number] }) {
  const rows = useMemo(() => xs.map((x, i) => Object.fromEntries([['x', x], ...curves.map((c) => [c.key, c[value][i]!])]) as { x: number } & Record<string, number>), [xs, curves, value]);
  const series = useMemo(() => curves.map((c) => ({ key: c.key, color: c.color, dashed: c.dashed })), [curves]);
  const xTicks = useMemo(() => niceTicks(xs[0]!, xs.at(-1)!, 6), [xs]);
  const yTicks = useMemo(() => niceTicks(domain[0], domain[1], 5), [domain]);
  const { t } = useTranslation();
  return (
    <div className="gpo-panel" data-testid={`gpo-${id}`}>
      <div className="gpo-panel-title">{title}</div>
      <div className="chart-body" style={{ height: 200 }}>
        <ResponsiveContainer width="100%" height="100%" minWidth={0}>
          <LineChart data={rows} margin={{ top: 8, right: 12, bottom: 4, left: 6 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" vertical={false} />
            <XAxis dataKey="x" type="number" domain={[xs[0]!, xs.at(-1)!]} ticks={xTicks} tickFormatter={formatTick} tick={{ fontSize: 11, fill: 'var(--muted)' }} stroke="var(--axis)" allowDataOverflow
              height={34} label={{ value: t('gpo.axis.x'), position: 'insideBottom', offset: 0, fontSize: 11, fill: 'var(--muted)' }} />
            <YAxis type="number" domain={domain} ticks={yTicks} tickFormatter={formatTick} tick={{ fontSize: 11, fill: 'var(--muted)' }} stroke="var(--axis)" width={48} allowDataOverflow
              label={{ value: t(`gpo.axis.${value}`), angle: -90, position: 'insideLeft', offset: 2, fontSize: 11, fill: 'var(--muted)', style: { textAnchor: 'middle' } }} />
            <ReferenceLine y={0} stroke="var(--axis)" />
            <ReferenceLine x={0} stroke="var(--axis)" strokeDasharray="2 3" />
            <SeriesPaths rows={rows} series={series} />
            <Points points={points} value={value} domain={domain} />
          </LineChart>
        </ResponsiveContainer>
      </div>
    </div>
  );
}

function GpoChartImpl({ xs, curves, points, step, note, controls, onExportPng }: GpoChartProps) {
  useEffect(() => {
    const g = globalThis as { dpoLab?: { gpo?: unknown } };
    g.dpoLab ??= {};
    g.dpoLab.gpo = { step, points };
  }, [step, points]);
  const { t } = useTranslation();
  return (
    <figure className="chart gpo" id="gpo" data-testid="chart-gpo">
      <figcaption>
        <span className="chart-title">{t('gpo.title')} <small>{t('gpo.subtitle')}</small></span>
        <span className="chart-tools">
          {controls}
          {onExportPng && (
            <button type="button" className="chart-png" title={t('chart.pngTitle')} onClick={(e) => onExportPng(e.currentTarget.closest('figure')!)}>
              {t('chart.png')}
            </button>
          )}
        </span>
      </figcaption>
      <div className="gpo-panels">
        <Panel id="f" title={t('gpo.f')} xs={xs} curves={curves} points={points} value="f" domain={F_DOMAIN} />
        <Panel id="weight" title={t('gpo.weight')} xs={xs} curves={curves} points={points} value="weight" domain={WEIGHT_DOMAIN} />
      </div>
      <ul className="gpo-legend">
        {curves.map((c) => (
          <li key={c.key}>
            <svg width="26" height="8" aria-hidden><line x1="0" y1="4" x2="26" y2="4" stroke={c.color} strokeWidth="1.75" strokeDasharray={c.dashed ? '5 3' : undefined} /></svg> {c.label}
          </li>
        ))}
      </ul>
      {note && <p className="chart-note">{note}</p>}
    </figure>
  );
}

export const GpoChart = memo(GpoChartImpl);
