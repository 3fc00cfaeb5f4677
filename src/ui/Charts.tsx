/**
 * The charts, built from the store: every run in its colour, with a shared
 * legend that hides or shows a run everywhere. Each chart follows the
 * metrics through useLive (throttled, one slot per chart), so the page stays
 * responsive while training streams in.
 */
import { useMemo, useRef, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { runColor } from '../charts/colors';
import { MetricChart, type ChartMarker, type ChartSeries, type MetricChartProps } from '../charts/MetricChart';
import { focusRun, setView, toggleHidden } from '../state/actions';
import type { LabState } from '../state/store';
import { LOSS_CATALOG } from '../train/catalog';
import { hMetric } from '../train/metrics';
import { useLab } from './useLab';
import { useInView, useLive } from './useLive';

const SIGMOID_HALF = 1 / (1 + Math.exp(-0.5));

export function runName(r: LabState["experiment"]["runs"][number]): string {
  return r.label || `${LOSS_CATALOG[r.loss].label} β=${r.beta} lr=${r.lr}`;
}

export function RunLegend() {
  const runs = useLab((s) => s.experiment.runs);
  const hidden = useLab((s) => s.view.hidden);
  const diverged = useLab(useShallow((s) => s.series.map((x) => x.status.state === 'diverged')));
  return (
    <div className="legend" role="group" aria-label="Show or hide runs">
      {runs.map((r, i) => (
        <button key={i} type="button" className="legend-item" aria-pressed={!hidden[i]} data-testid={`legend-${i}`} onClick={() => toggleHidden(i)} title={hidden[i] ? 'show this run' : 'hide this run'}>
          <span className="swatch" style={{ background: hidden[i] ? 'transparent' : runColor(i), borderColor: runColor(i) }} />
          {runName(r)}
          {diverged[i] && <span className="badge">diverged</span>}
        </button>
      ))}
    </div>
  );
}

/** A chart slot that only follows the store while it is on screen. */
function Live({ children }: { children: (visible: boolean) => ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const visible = useInView(ref);
  return <div ref={ref} className="live">{children(visible)}</div>;
}

type RunChartProps = Omit<MetricChartProps, 'series' | 'totalSteps' | 'markers'> & { metric: string; slot: number };

/** One metric of every run, in the run colours, live. */
function RunChart(props: RunChartProps) {
  return <Live>{(visible) => <RunChartBody {...props} visible={visible} />}</Live>;
}

function RunChartBody({ metric, slot, visible, ...chart }: RunChartProps & { visible: boolean }) {
  const runs = useLab((s) => s.experiment.runs);
  const hidden = useLab((s) => s.view.hidden);
  const steps = useLab((s) => s.experiment.steps);
  const changes = useLab((s) => s.changes);
  const series = useLive((s) => s.series, slot, visible);
  const lines = useMemo<ChartSeries[]>(
    () => runs.map((r, i) => ({ key: `r${i}`, name: runName(r), color: runColor(i), values: series[i]?.metrics[metric] ?? [], hidden: hidden[i] ?? false })),
    [runs, hidden, series, metric],
  );
  const markers = useMemo<ChartMarker[]>(() => changes.map((c) => ({ x: c.step, label: c.text, color: runColor(c.run) })), [changes]);
  return <MetricChart {...chart} series={lines} totalSteps={steps} markers={markers} />;
}

const REWARD_METRICS = ['rewards/margins', 'rewards/chosen', 'rewards/rejected', 'rewards/accuracies', 'logps/chosen', 'logps/rejected', 'grad_norm'] as const;

export function Charts() {
  const lossLog = useLab((s) => s.view.lossLog);
  const rewardMetric = useLab((s) => s.view.rewardMetric);
  return (
    <div className="chart-grid">
      <RunChart
        id="pi-rej" metric="pi_rej" slot={0} scale="log"
        title={<>π(rejected): probability of the last rejected token <small>log scale</small></>}
        note="DPO drives it towards 0 without a floor; IPO levels off, higher for larger β."
      />
      <RunChart
        id="sigma" metric="sigma_margin" slot={1} scale="linear" yDomain={[0, 1]}
        title={<>σ(βh): the DPO/IPO preference probability of the last token</>}
        lines={SIGMA_LINES}
        note="DPO climbs to 1; every IPO run stops at σ(1/2), whatever β."
      />
      <RunChart
        id="loss" metric="loss" slot={2} scale={lossLog ? 'log' : 'linear'} title="loss"
        controls={
          <label className="chart-control">
            <input type="checkbox" checked={lossLog} onChange={(e) => setView({ lossLog: e.target.checked })} /> log scale
          </label>
        }
      />
      <RunChart
        id="pi-chosen" metric="pi_chosen" slot={3} scale="log"
        title={<>π(chosen): probability of the last chosen token <small>log scale</small></>}
        note="It can fall too: DPO only needs the gap to grow."
      />
      <RunChart
        id="rewards" metric={rewardMetric} slot={4} scale="linear" title={rewardMetric}
        controls={
          <select aria-label="Metric" value={rewardMetric} onChange={(e) => setView({ rewardMetric: e.target.value as typeof rewardMetric })}>
            {REWARD_METRICS.map((m) => <option key={m} value={m}>{m}</option>)}
          </select>
        }
      />
      <Live>{(visible) => <TokenMarginChart visible={visible} />}</Live>
    </div>
  );
}

const SIGMA_LINES = [{ y: SIGMOID_HALF, label: 'σ(0.5) ≈ 0.6225: IPO\'s fixed point' }];

/** h of each answer token of one run, against the IPO target 1/(2β). */
function TokenMarginChart({ visible }: { visible: boolean }) {
  const runs = useLab((s) => s.experiment.runs);
  const focus = useLab((s) => s.view.hRun);
  const N = useLab((s) => s.answerLength);
  const steps = useLab((s) => s.experiment.steps);
  const series = useLive((s) => s.series[s.view.hRun], 5, visible);
  const run = runs[focus] ?? runs[0]!;
  const lines = useMemo(
    () => Array.from({ length: N }, (_, k) => ({
      key: `h${k}`, name: `h, token ${k + 1}`, color: runColor(focus), dashed: k % 2 === 1, values: series?.metrics[hMetric(k)] ?? [],
    })),
    [N, focus, series],
  );
  // Distinguish the tokens by opacity of the run's colour.
  const shaded = lines.map((l, k) => ({ ...l, color: shade(l.color, 1 - k / (N + 1)) }));
  return (
    <MetricChart
      id="h" title={<>h per answer token</>} series={shaded} scale="linear" totalSteps={steps}
      lines={[{ y: 1 / (2 * run.beta), label: `IPO target 1/(2β) = ${+(1 / (2 * run.beta)).toPrecision(3)}`, color: runColor(focus) }]}
      note="h = log π(c)/π_ref(c) − log π(r)/π_ref(r). IPO regresses every token's h to 1/(2β); DPO keeps pushing it up."
      controls={
        <select aria-label="Run shown" value={focus} onChange={(e) => focusRun(Number(e.target.value))}>
          {runs.map((r, i) => <option key={i} value={i}>{runName(r)}</option>)}
        </select>
      }
    />
  );
}

function shade(hex: string, alpha: number): string {
  const a = Math.round(Math.max(0.25, alpha) * 255).toString(16).padStart(2, '0');
  return `${hex}${a}`;
}
