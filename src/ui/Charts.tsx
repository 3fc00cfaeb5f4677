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
import { focusRun, notify, setView, toggleHidden } from '../state/actions';
import { chartPng, saveFile } from './download';
import { GpoView } from './GpoView';
import { Squeeze } from './Squeeze';
import { REWARD_METRICS, type ChartId, type RewardMetric } from '../state/linkState';
import { hMetric } from '../train/metrics';
import { runName } from '../train/run';
import { STOPPED_LABEL } from '../train/health';
import { useLab } from './useLab';
import { useInView, useLive } from './useLive';

const SIGMOID_HALF = 1 / (1 + Math.exp(-0.5));


export function RunLegend() {
  const runs = useLab((s) => s.experiment.runs);
  const hidden = useLab((s) => s.view.hidden);
  const stopped = useLab(useShallow((s) => s.series.map((x) => (x.status.state === 'ok' ? null : STOPPED_LABEL[x.status.state]))));
  return (
    <div className="legend" role="group" aria-label="Show or hide runs">
      {runs.map((r, i) => (
        <button key={i} type="button" className="legend-item" aria-pressed={!hidden[i]} data-testid={`legend-${i}`} onClick={() => toggleHidden(i)} title={hidden[i] ? 'show this run' : 'hide this run'}>
          <span className="swatch" style={{ background: hidden[i] ? 'transparent' : runColor(i), borderColor: runColor(i) }} />
          {runName(r)}
          {stopped[i] && <span className="badge">{stopped[i]}</span>}
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

type RunChartProps = Omit<MetricChartProps, 'series' | 'totalSteps' | 'markers' | 'onExportPng'> & { metric: string; slot: number; pngTitle: string };

/** One metric of every run, in the run colours, live. */
function RunChart(props: RunChartProps) {
  return <Live>{(visible) => <RunChartBody {...props} visible={visible} />}</Live>;
}

function RunChartBody({ metric, slot, visible, pngTitle, ...chart }: RunChartProps & { visible: boolean }) {
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
  const onExportPng = useMemo(() => pngExporter(chart.id, pngTitle, lines.filter((l) => !l.hidden)), [chart.id, pngTitle, lines]);
  return <MetricChart {...chart} series={lines} totalSteps={steps} markers={markers} onExportPng={onExportPng} />;
}

function pngExporter(id: string, title: string, legend: { name: string; color: string }[]) {
  return (figure: HTMLElement) => {
    chartPng(figure, title, legend).then((png) => saveFile(`dpo-ipo-lab-${id}.png`, png), (e: Error) => notify('error', `Could not export the chart: ${e.message}.`));
  };
}

/** One chart of the lab by id (the embed shows a chosen few). */
export function ChartById({ id }: { id: ChartId }) {
  const lossLog = useLab((s) => s.view.lossLog);
  const rewardMetric = useLab((s) => s.view.rewardMetric);
  switch (id) {
    case 'pi-rej':
      return (
        <RunChart
          id="pi-rej" metric="pi_rej" slot={0} scale="log" pngTitle="π(rejected): probability of the last rejected token"
          title={<>π(rejected): probability of the last rejected token <small>log scale</small></>}
          note="DPO drives it towards 0 without a floor; IPO levels off, higher for larger β."
        />
      );
    case 'sigma':
      return (
        <RunChart
          id="sigma" metric="sigma_margin" slot={1} scale="linear" yDomain={[0, 1]} pngTitle="σ(βh) of the last token"
          title={<>σ(βh): the DPO/IPO preference probability of the last token</>}
          lines={SIGMA_LINES}
          note="DPO climbs to 1; every IPO run stops at σ(1/2), whatever β."
        />
      );
    case 'loss':
      return (
        <RunChart
          id="loss" metric="loss" slot={2} scale={lossLog ? 'log' : 'linear'} title="loss" pngTitle="loss"
          controls={
            <label className="chart-control">
              <input type="checkbox" checked={lossLog} onChange={(e) => setView({ lossLog: e.target.checked })} /> log scale
            </label>
          }
        />
      );
    case 'pi-chosen':
      return (
        <RunChart
          id="pi-chosen" metric="pi_chosen" slot={3} scale="log" pngTitle="π(chosen): probability of the last chosen token"
          title={<>π(chosen): probability of the last chosen token <small>log scale</small></>}
          note="It can fall too: DPO only needs the gap to grow."
        />
      );
    case 'rewards':
      return (
        <RunChart
          id="rewards" metric={rewardMetric} slot={4} scale="linear" title={rewardMetric} pngTitle={rewardMetric}
          controls={
            <select aria-label="Metric" value={rewardMetric} onChange={(e) => setView({ rewardMetric: e.target.value as RewardMetric })}>
              {REWARD_METRICS.map((m) => <option key={m} value={m}>{m}</option>)}
            </select>
          }
        />
      );
    case 'h':
      return <Live>{(visible) => <TokenMarginChart visible={visible} />}</Live>;
    case 'squeeze':
      return <Squeeze />;
    case 'gpo':
      return <GpoView />;
  }
}

const GRID_CHARTS: ChartId[] = ['pi-rej', 'sigma', 'loss', 'pi-chosen', 'rewards', 'h', 'gpo'];

export function Charts({ ids = GRID_CHARTS }: { ids?: ChartId[] }) {
  return (
    <div className="chart-grid">
      {ids.filter((id) => id !== 'squeeze').map((id) => <ChartById key={id} id={id} />)}
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
      onExportPng={pngExporter('h', `h per answer token: ${runName(run)}`, shaded)}
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
