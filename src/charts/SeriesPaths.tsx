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
  dashed?: boolean;
}

export function SeriesPaths({ rows, series }: { rows: Row[]; series: PathSeries[] }) {
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
  if (!area) return null;
  return (
    <g className="series-paths">
      <clipPath id={clipId}>
        <rect x={area.x} y={area.y} width={area.width} height={area.height} />
      </clipPath>
      <g clipPath={`url(#${clipId})`}>
        {paths.map((p) => (
          <path key={p.key} className="series-path" data-series={p.key} d={p.d} fill="none" stroke={p.color} strokeWidth={1.75} strokeDasharray={p.dashed ? '5 3' : undefined} strokeLinejoin="round" />
        ))}
      </g>
    </g>
  );
}
