/**
 * One metric of every run over the steps, as a Recharts line chart fed plain
 * arrays (no store access). On a log scale the values are plotted as log10
 * (computed in float64 from the engine's numbers), so 1e-30 is as easy to
 * draw as 0.5; the axis labels say 1e-30.
 *
 * What each chart draws is registered in window.dpoLab.plotted[id] (by
 * reference, no copy), so tests read the plotted series, not a screenshot.
 */
import { memo, useEffect, useMemo, useState, type ReactNode } from 'react';
import { CartesianGrid, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { buildRows, toLog10 } from './downsample';
import { SeriesPaths } from './SeriesPaths';
import { formatLogTick, formatTick, formatValue, logTicks, niceTicks } from './format';

export interface ChartSeries {
  key: string;
  name: string;
  color: string;
  values: number[];
  hidden?: boolean;
  dashed?: boolean;
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
  note?: ReactNode;
  series: ChartSeries[];
  scale: 'linear' | 'log';
  totalSteps: number;
  yDomain?: [number, number];
  lines?: ChartLine[];
  markers?: ChartMarker[];
  height?: number;
  controls?: ReactNode;
  /** Offers a PNG download of this chart (the page supplies how). */
  onExportPng?: (figure: HTMLElement) => void;
}

function MetricChartImpl({ id, title, note, series, scale, totalSteps, yDomain, lines = [], markers = [], height = 220, controls, onExportPng }: MetricChartProps) {
  const visible = useMemo(() => series.filter((s) => !s.hidden), [series]);
  const log = scale === 'log';
  const rows = useMemo(() => buildRows(visible.map((s) => ({ key: s.key, values: log ? toLog10(s.values) : s.values }))), [visible, log]);
  const [lo, hi] = useMemo(() => {
    let a = Infinity;
    let b = -Infinity;
    for (const r of rows) for (const s of visible) {
      const v = r[s.key];
      if (v !== null && v !== undefined) {
        a = Math.min(a, v);
        b = Math.max(b, v);
      }
    }
    for (const l of lines) {
      const y = log ? Math.log10(l.y) : l.y;
      a = Math.min(a, y);
      b = Math.max(b, y);
    }
    return [a, b];
  }, [rows, visible, lines, log]);
  // Ticks computed here (cheap) rather than by Recharts' nice-tick selectors at every update.
  // The y domain is always explicit (the curves are drawn with the axis scale, not registered as Recharts items).
  const found = yDomain ? niceTicks(yDomain[0], yDomain[1]) : log ? logTicks(lo, hi) : niceTicks(lo, hi);
  const ticks = found.length > 0 ? found : log ? [-1, 0] : [0, 1];
  const domain: [number, number] = yDomain ?? [ticks[0]!, ticks.at(-1)!];
  const xTicks = useMemo(() => niceTicks(0, Math.max(1, totalSteps - 1), 5).filter((t) => t <= totalSteps - 1 || totalSteps <= 1), [totalSteps]);
  // The tooltip exists only while the pointer is over the chart: otherwise Recharts keeps its state current at every update.
  const [hover, setHover] = useState(false);
  useEffect(() => registerPlotted(id, { scale, keys: visible.map((s) => ({ key: s.key, name: s.name })), rows }), [id, scale, visible, rows]);
  const tooltip = ({ active, label }: { active?: boolean; label?: unknown }) => {
    if (!active || typeof label !== 'number') return null;
    const step = Math.round(label);
    return (
      <div className="tooltip">
        <div className="tooltip-step">step {step}</div>
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
        <span className="chart-title">{title}</span>
        <span className="chart-tools">
          {controls}
          {onExportPng && (
            <button type="button" className="chart-png" title="Download this chart as PNG" onClick={(e) => onExportPng(e.currentTarget.closest('figure')!)}>
              PNG
            </button>
          )}
        </span>
      </figcaption>
      <div className="chart-body" style={{ height }} onPointerEnter={() => setHover(true)} onPointerLeave={() => setHover(false)}>
        {rows.length === 0 && <div className="chart-empty">no steps yet: press Run or Step</div>}
        <ResponsiveContainer width="100%" height="100%" minWidth={0}>
          <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 4, left: 4 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--grid)" vertical={false} />
            <XAxis dataKey="x" type="number" domain={[0, Math.max(1, totalSteps - 1)]} ticks={xTicks} tick={{ fontSize: 11, fill: 'var(--muted)' }} stroke="var(--axis)" allowDecimals={false} />
            <YAxis
              type="number"
              domain={domain}
              ticks={ticks}
              tickFormatter={(v: number) => (log ? formatLogTick(v) : formatTick(v))}
              tick={{ fontSize: 11, fill: 'var(--muted)' }}
              stroke="var(--axis)"
              width={52}
              allowDataOverflow
            />
            {/* No Recharts items means no Recharts payload, which would keep the box hidden: the content reads the runs itself. */}
            {hover && <Tooltip content={tooltip} isAnimationActive={false} wrapperStyle={{ visibility: 'visible' }} />}
            {lines.map((l) => (
              <ReferenceLine key={l.label} y={log ? Math.log10(l.y) : l.y} stroke={l.color ?? 'var(--muted)'} strokeDasharray="6 4" label={{ value: l.label, position: 'insideTopRight', fontSize: 11, fill: 'var(--muted)' }} />
            ))}
            {markers.map((m, i) => (
              <ReferenceLine key={`m${i}`} x={m.x} stroke={m.color} strokeDasharray="2 3" />
            ))}
            <SeriesPaths rows={rows} series={visible} />
          </LineChart>
        </ResponsiveContainer>
      </div>
      {note && <p className="chart-note">{note}</p>}
    </figure>
  );
}

export const MetricChart = memo(MetricChartImpl);

export interface Plotted {
  scale: 'linear' | 'log';
  keys: { key: string; name: string }[];
  rows: Record<string, number | null>[];
}

function registerPlotted(id: string, p: Plotted): void {
  const g = globalThis as { dpoLab?: { plotted?: Record<string, Plotted> } };
  g.dpoLab ??= {};
  g.dpoLab.plotted ??= {};
  g.dpoLab.plotted[id] = p;
}
