/**
 * One metric of every run over the steps, as a Recharts line chart fed plain
 * arrays (no store access). On a log scale the values are plotted as log10
 * (computed in float64 from the engine's numbers), so 10⁻³⁰ is as easy to
 * draw as 0.5; ticks fall on whole decades (every few decades when the range
 * is huge). A value of exactly 0 has no logarithm: the axis then gets a "0"
 * floor one step below its lowest decade, where such points are drawn and
 * marked, so a run whose loss reaches 0 stays visible.
 *
 * What each chart draws is registered in window.dpoLab.plotted[id] (by
 * reference, no copy), so tests read the plotted series, not a screenshot.
 */
import { memo, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { CartesianGrid, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { buildRows, toLog10 } from './downsample';
import { SeriesPaths, type PointMark } from './SeriesPaths';
import { formatLogTick, formatTick, formatValue, logTicks, niceTicks } from './format';

export interface ChartSeries {
  key: string;
  name: string;
  color: string;
  values: number[];
  hidden?: boolean;
  /** SVG stroke-dasharray; undefined draws a solid line. */
  dash?: string;
}

export interface ChartLine {
  /** In data units (not log10). */
  y: number;
  label: string;
  color?: string;
}

export interface ChartMarker {
  x: number;
  label: string;
  color: string;
}

export interface MetricChartProps {
  id: string;
  title: ReactNode;
  /** Shown after the title on the page, left out where space is short (the embed). */
  subtitle?: ReactNode;
  note?: ReactNode;
  series: ChartSeries[];
  scale: 'linear' | 'log';
  totalSteps: number;
  /** The y axis' title, with its unit. */
  yLabel: string;
  yDomain?: [number, number];
  lines?: ChartLine[];
  markers?: ChartMarker[];
  height?: number;
  controls?: ReactNode;
  /** A legend of the series under the chart (when they are not the runs of the shared legend). */
  legend?: boolean;
  /** Offers a PNG download of this chart (the page supplies how). */
  onExportPng?: (figure: HTMLElement) => void;
}

const TICK = { fontSize: 11, fill: 'var(--muted)' };
/** The plot's margins and axis sizes: the empty-chart text is placed by the same numbers, inside the plot area. */
const MARGIN = { top: 8, right: 16, bottom: 4, left: 4 };
const Y_AXIS_WIDTH = 64;
const X_AXIS_HEIGHT = 34;
/** Where the plot area is inside the chart body (CSS inset): off the tick labels and the axis titles, whatever the text's length. */
const PLOT_INSET = `${MARGIN.top}px ${MARGIN.right}px ${MARGIN.bottom + X_AXIS_HEIGHT}px ${MARGIN.left + Y_AXIS_WIDTH}px`;

function MetricChartImpl({ id, title, subtitle, note, series, scale, totalSteps, yLabel, yDomain, lines = [], markers = [], height = 220, controls, legend, onExportPng }: MetricChartProps) {
  const visible = useMemo(() => series.filter((s) => !s.hidden), [series]);
  const { t } = useTranslation();
  const log = scale === 'log';
  // As many log ticks as the plot's height holds (about 18 px each): a short embed chart steps more decades at a time.
  const body = useRef<HTMLDivElement>(null);
  const [bodyHeight, setBodyHeight] = useState(height);
  useEffect(() => {
    const el = body.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(([e]) => setBodyHeight(Math.round(e!.contentRect.height)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const maxTicks = Math.max(4, Math.min(9, Math.floor((bodyHeight - 40) / 18)));
  const plotted = useMemo(() => visible.map((s) => ({ key: s.key, values: log ? toLog10(s.values) : s.values })), [visible, log]);
  // Range and ticks from every value (not the downsampled rows): cheap, and exact.
  const { ticks, zeroFloor } = useMemo(() => {
    let lo = Infinity;
    let hi = -Infinity;
    let zeros = false;
    for (const s of plotted) for (const v of s.values) {
      if (Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      } else if (v === Number.NEGATIVE_INFINITY) zeros = true;
    }
    for (const l of lines) {
      const y = log ? Math.log10(l.y) : l.y;
      lo = Math.min(lo, y);
      hi = Math.max(hi, y);
    }
    const found = yDomain ? niceTicks(yDomain[0], yDomain[1]) : log ? logTicks(lo, hi, maxTicks) : niceTicks(lo, hi);
    const t = found.length > 0 ? found : log ? [-1, 0] : [0, 1];
    if (!(log && zeros)) return { ticks: t, zeroFloor: null };
    const decades = t.filter(Number.isInteger);
    const floor = t[0]! - (decades.length > 1 ? decades[1]! - decades[0]! : 1);
    return { ticks: [floor, ...t], zeroFloor: floor };
  }, [plotted, lines, log, yDomain, maxTicks]);
  const rows = useMemo(
    () => buildRows(zeroFloor === null ? plotted : plotted.map((s) => ({ key: s.key, values: s.values.map((v) => (v === Number.NEGATIVE_INFINITY ? zeroFloor : v)) }))),
    [plotted, zeroFloor],
  );
  // Where a series reaches exactly 0 (each stretch of zeros, at its first step): marked on the 0 line.
  const zeroMarks = useMemo<PointMark[]>(() => {
    if (zeroFloor === null) return [];
    return visible.flatMap((s) => s.values.flatMap((v, i) => (v === 0 && s.values[i - 1] !== 0 ? [{ key: s.key, x: i, y: zeroFloor, color: s.color, label: t('chart.zeroMark', { name: s.name, step: i }) }] : [])));
  }, [visible, zeroFloor, t]);
  const domain: [number, number] = yDomain ?? [ticks[0]!, ticks.at(-1)!];
  const xTicks = useMemo(() => niceTicks(0, Math.max(1, totalSteps - 1), 5).filter((t) => t <= totalSteps - 1 || totalSteps <= 1), [totalSteps]);
  // The tooltip exists only while the pointer is over the chart: otherwise Recharts keeps its state current at every update.
  const [hover, setHover] = useState(false);
  useEffect(() => registerPlotted(id, { scale, keys: visible.map((s) => ({ key: s.key, name: s.name })), rows, zeroFloor }), [id, scale, visible, rows, zeroFloor]);
  const yTick = (v: number) => (v === zeroFloor ? '0' : log ? formatLogTick(v) : formatTick(v));
  const tooltip = ({ active, label }: { active?: boolean; label?: unknown }) => {
    if (!active || typeof label !== 'number') return null;
    const step = Math.round(label);
    return (
      <div className="tooltip">
        <div className="tooltip-step">{t('chart.step', { n: step })}</div>
        {visible.map((s) => (
          <div key={s.key} className="tooltip-row">
            <span className="swatch" style={{ background: s.color }} />
            <span className="tooltip-name">{s.name}</span>
            <span className="tooltip-value">{formatValue(s.values[step])}</span>
          </div>
        ))}
      </div>
    );
  };
  return (
    <figure className="chart" id={id} data-testid={`chart-${id}`}>
      <figcaption>
        <span className="chart-title">
          {title}
          {subtitle && <small className="chart-subtitle"> {subtitle}</small>}
        </span>
        <span className="chart-tools">
          {controls}
          {onExportPng && (
            <button type="button" className="chart-png" title={t('chart.pngTitle')} onClick={(e) => onExportPng(e.currentTarget.closest('figure')!)}>
              {t('chart.png')}
            </button>
          )}
        </span>
      </figcaption>
      <div ref={body} className="chart-body" style={{ height }} onPointerEnter={() => setHover(true)} onPointerLeave={() => setHover(false)}>
        {rows.length === 0 && <div className="chart-empty" style={{ inset: PLOT_INSET }}><span>{t('chart.empty')}</span></div>}
        <ResponsiveContainer width="100%" height="100%" minWidth={0}>
          {/* No accessibility layer: its keyboard tooltip needs Recharts' own lines, and it made every chart an unnamed tab stop. */}
          <LineChart data={rows} margin={MARGIN} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" vertical={false} />
            <XAxis
              dataKey="x" type="number" domain={[0, Math.max(1, totalSteps - 1)]} ticks={xTicks} tick={TICK} stroke="var(--axis)" allowDecimals={false} height={X_AXIS_HEIGHT}
              label={{ value: t('chart.xLabel'), position: 'insideBottom', offset: 0, fontSize: 11, fill: 'var(--muted)' }}
            />
            <YAxis
              type="number"
              domain={domain}
              ticks={ticks}
              tickFormatter={yTick}
              tick={TICK}
              stroke="var(--axis)"
              width={Y_AXIS_WIDTH}
              interval={0}
              allowDataOverflow
              label={{ value: yLabel, angle: -90, position: 'insideLeft', offset: 2, fontSize: 11, fill: 'var(--muted)', style: { textAnchor: 'middle' } }}
            />
            {/* No Recharts items means no Recharts payload, which would keep the box hidden: the content reads the runs itself. */}
            {hover && <Tooltip content={tooltip} isAnimationActive={false} wrapperStyle={{ visibility: 'visible' }} />}
            {zeroFloor !== null && <ReferenceLine y={zeroFloor} stroke="var(--axis)" strokeDasharray="1 3" />}
            {lines.map((l) => (
              <ReferenceLine key={l.label} y={log ? Math.log10(l.y) : l.y} stroke={l.color ?? 'var(--muted)'} strokeDasharray="6 4" label={{ value: l.label, position: 'insideTopRight', fontSize: 11, fill: 'var(--muted)' }} />
            ))}
            {markers.map((m, i) => (
              <ReferenceLine
                key={`m${i}`} x={m.x} stroke={m.color} strokeDasharray="2 3" className="change-marker"
                label={{ value: t('chart.changed', { label: m.label }), position: 'insideTopLeft', fontSize: 10, fill: 'var(--muted)' }}
              />
            ))}
            <SeriesPaths rows={rows} series={visible} marks={zeroMarks} />
          </LineChart>
        </ResponsiveContainer>
      </div>
      {legend && visible.length > 0 && (
        <ul className="chart-legend" data-testid={`legend-${id}`}>
          {visible.map((s) => (
            <li key={s.key}>
              <svg width="22" height="8" aria-hidden="true"><line x1="1" y1="4" x2="21" y2="4" stroke={s.color} strokeWidth="2" strokeDasharray={s.dash} /></svg>
              {s.name}
            </li>
          ))}
        </ul>
      )}
      {note && <p className="chart-note">{note}</p>}
    </figure>
  );
}

export const MetricChart = memo(MetricChartImpl);

export interface Plotted {
  scale: 'linear' | 'log';
  keys: { key: string; name: string }[];
  rows: Record<string, number | null>[];
  /** On a log axis with exact zeros: the log10 value they are drawn at (labelled 0), else null. */
  zeroFloor: number | null;
}

function registerPlotted(id: string, p: Plotted): void {
  const g = globalThis as { dpoLab?: { plotted?: Record<string, Plotted> } };
  g.dpoLab ??= {};
  g.dpoLab.plotted ??= {};
  g.dpoLab.plotted[id] = p;
}
