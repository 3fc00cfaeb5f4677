/**
 * The runs' curves, drawn inside a Recharts chart with its own axis scales.
 *
 * Recharts' <Line> rebuilds per-point objects (label entries, animation
 * state, tooltip points) and its store at every data change: with 8 runs
 * live, that made each chart update a 40-50 ms main-thread task. The curves
 * need none of it (the tooltip reads the runs' values itself), so they are
 * plain paths here; axes, grid, reference lines and the tooltip stay Recharts'.
 */
import { useId, useMemo } from 'react';
import { usePlotArea, useXAxisScale, useYAxisScale } from 'recharts';
import { linePath } from './linePath';
import type { Row } from './downsample';

export interface PathSeries {
  key: string;
  color: string;
  /** SVG stroke-dasharray; undefined draws a solid line. */
  dash?: string;
}

/** A marked point (in plot units), with what it means. */
export interface PointMark {
  key: string;
  x: number;
  y: number;
  color: string;
  label: string;
}

export function SeriesPaths({ rows, series, marks = [] }: { rows: Row[]; series: PathSeries[]; marks?: PointMark[] }) {
  const xScale = useXAxisScale();
  const yScale = useYAxisScale();
  const area = usePlotArea();
  const clipId = `series-clip-${useId().replace(/[^\w-]/g, '')}`; // React's ids hold characters url(#…) would need escaped
  const xs = useMemo(() => rows.map((r) => r.x), [rows]);
  const paths = useMemo(() => {
    if (!xScale || !yScale) return [];
    const x = (v: number) => xScale(v);
    const y = (v: number) => yScale(v);
    return series.map((s) => ({ ...s, d: linePath(xs, rows.map((r) => r[s.key]), x, y) }));
  }, [xScale, yScale, series, rows, xs]);
  if (!area || !xScale || !yScale) return null;
  return (
    <g className="series-paths">
      <clipPath id={clipId}>
        <rect x={area.x} y={area.y} width={area.width} height={area.height} />
      </clipPath>
      <g clipPath={`url(#${clipId})`}>
        {paths.map((p) => (
          <path key={p.key} className="series-path" data-series={p.key} d={p.d} fill="none" stroke={p.color} strokeWidth={1.75} strokeDasharray={p.dash} strokeLinejoin="round" />
        ))}
      </g>
      {marks.map((m) => {
        const [cx, cy] = [xScale(m.x), yScale(m.y)];
        if (cx === undefined || cy === undefined) return null;
        // A downward triangle on the 0 line: "it reached exactly 0 here".
        return (
          <path key={`${m.key}-${m.x}`} className="zero-mark" data-series={m.key} d={`M${cx - 5},${cy - 8}L${cx + 5},${cy - 8}L${cx},${cy - 1}Z`} fill={m.color} stroke="var(--panel)" strokeWidth={1}>
            <title>{m.label}</title>
          </path>
        );
      })}
    </g>
  );
}
