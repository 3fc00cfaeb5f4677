/**
 * The charts, built from the store: every run in its family's colour, with a
 * shared legend that hides or shows a run everywhere. Each chart follows the
 * metrics through useLive (throttled, one slot per chart), so the page stays
 * responsive while training streams in. The notes under the charts speak only
 * of the loss families in the experiment.
 */
import { useMemo, useRef, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { RunStyle } from '../charts/colors';
import { formatValue } from '../charts/format';
import { MetricChart, type ChartMarker, type ChartSeries, type MetricChartProps } from '../charts/MetricChart';
import { focusRun, notify, setView, toggleHidden } from '../state/actions';
import { chartPng, saveFile } from './download';
import { GpoView } from './GpoView';
import { Squeeze } from './Squeeze';
import { REWARD_METRICS, type ChartId, type RewardMetric } from '../state/linkState';
import { lossFamily, type LossFamily } from '../train/families';
import { hMetric } from '../train/metrics';
import { runName } from '../train/run';
import { STOPPED_LABEL } from '../train/health';
import { marginTarget } from '../train/verdict';
import { useLab } from './useLab';
import { useInView, useLive } from './useLive';
import { useRunStyles } from './useRunStyles';

const SIGMOID_HALF = 1 / (1 + Math.exp(-0.5));

/** Every string of the charts, in one place. */
const TEXT = {
  legend: 'Show or hide runs',
  show: 'show this run',
  hide: 'hide this run',
  diverged: 'diverged',
  pngError: (m: string) => `Could not export the chart: ${m}.`,
  piRej: { title: 'π(rejected)', subtitle: 'probability of the last rejected token', png: 'π(rejected): probability of the last rejected token', y: 'probability (log scale)' },
  sigma: { title: 'σ(βh)', subtitle: 'preference probability of the last token', png: 'σ(βh) of the last token', y: 'σ(βh), probability' },
  loss: { title: 'loss', png: 'loss', log: 'log scale', y: (units: string) => `loss (${units})` },
  piChosen: { title: 'π(chosen)', subtitle: 'probability of the last chosen token', png: 'π(chosen): probability of the last chosen token', y: 'probability (log scale)' },
  rewardsMetric: 'Metric',
  h: { title: 'h per answer token', png: (run: string) => `h per answer token: ${run}`, y: 'h (nats)', token: (k: number) => `token ${k + 1}`, run: 'Run shown' },
  sigmaLine: 'σ(½) ≈ 0.6225',
  target: (name: string, v: number) => `target ${name} = ${formatValue(v)}`,
  hDefinition: 'h = log π(c)/π_ref(c) − log π(r)/π_ref(r).',
} as const;

/** What each chart's note says of each family present (joined in family order). */
const NOTES: Record<'piRej' | 'sigma' | 'h', Record<LossFamily, string>> = {
  piRej: {
    dpo: 'DPO drives it towards 0 without a floor',
    ipo: 'IPO levels off, higher for larger β',
    hinge: 'the hinge stops once βh passes 1',
    'reference-free': 'reference-free losses have no floor either',
  },
  sigma: {
    dpo: 'DPO climbs to 1',
    ipo: 'every IPO run stops at σ(1/2), whatever β',
    hinge: 'the hinge stops once βh passes 1 (σ ≈ 0.73)',
    'reference-free': 'reference-free losses keep climbing',
  },
  h: {
    dpo: 'DPO keeps pushing every token\'s h up: it has no target.',
    ipo: 'IPO regresses every token\'s h to 1/(2β).',
    hinge: 'The hinge stops pushing once βh passes 1.',
    'reference-free': 'A reference-free loss does not look at h: the reference only enters this chart.',
  },
};
const PI_CHOSEN_NOTE = 'It can fall too: the losses only need the gap between chosen and rejected to grow.';
/** The loss's unit, by family: log-likelihoods are in nats; IPO squares a difference of them. */
const LOSS_UNITS: Record<LossFamily, string> = { dpo: 'nats', ipo: 'nats²', hinge: 'βh units', 'reference-free': 'nats' };
const REWARD_UNITS: Record<RewardMetric, string> = {
  'rewards/margins': 'β × log-ratio (nats)', 'rewards/chosen': 'β × log-ratio (nats)', 'rewards/rejected': 'β × log-ratio (nats)',
  'rewards/accuracies': 'fraction of pairs', 'logps/chosen': 'log-probability (nats)', 'logps/rejected': 'log-probability (nats)', grad_norm: 'L2 norm',
  nll_loss: 'cross-entropy (nats per token)', kl: 'KL estimate z0 (nats)',
};

const sentence = (parts: string[]) => (parts.length === 0 ? undefined : `${parts.join('; ')}.`.replace(/^./, (c) => c.toUpperCase()));

/** The loss families in the experiment, in a fixed order. */
function useFamilies(): LossFamily[] {
  const runs = useLab((s) => s.experiment.runs);
  return useMemo(() => (['dpo', 'ipo', 'hinge', 'reference-free'] as const).filter((f) => runs.some((r) => lossFamily(r.loss) === f)), [runs]);
}

export function RunLegend() {
  const runs = useLab((s) => s.experiment.runs);
  const hidden = useLab((s) => s.view.hidden);
  const styles = useRunStyles();
  const stopped = useLab(useShallow((s) => s.series.map((x) => (x.status.state === 'ok' ? null : STOPPED_LABEL[x.status.state]))));
  return (
    <div className="legend" role="group" aria-label={TEXT.legend}>
      {runs.map((r, i) => (
        <button key={i} type="button" className="legend-item" aria-pressed={!hidden[i]} data-testid={`legend-${i}`} data-color={styles[i]?.color} onClick={() => toggleHidden(i)} title={hidden[i] ? TEXT.show : TEXT.hide}>
          <LineSwatch style={styles[i]} filled={!hidden[i]} />
          {runName(r)}
          {stopped[i] && <span className="badge">{stopped[i]}</span>}
        </button>
      ))}
    </div>
  );
}

/** A run's colour as a short line (dashed when the run is), for legends and tables. */
export function LineSwatch({ style, filled = true }: { style: RunStyle | undefined; filled?: boolean }) {
  if (!style) return null;
  return (
    <svg className="line-swatch" width="18" height="10" aria-hidden="true">
      <line x1="1" y1="5" x2="17" y2="5" stroke={style.color} strokeWidth={filled ? 3 : 1.5} strokeDasharray={style.dash} strokeOpacity={filled ? 1 : 0.6} />
    </svg>
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
  const styles = useRunStyles();
  const series = useLive((s) => s.series, slot, visible);
  const lines = useMemo<ChartSeries[]>(
    () => runs.map((r, i) => ({ key: `r${i}`, name: runName(r), color: styles[i]!.color, dash: styles[i]!.dash, values: series[i]?.metrics[metric] ?? [], hidden: hidden[i] ?? false })),
    [runs, styles, hidden, series, metric],
  );
  const markers = useMemo<ChartMarker[]>(() => changes.map((c) => ({ x: c.step, label: c.text, color: styles[c.run]?.color ?? 'var(--muted)' })), [changes, styles]);
  const onExportPng = useMemo(() => pngExporter(chart.id, pngTitle, lines.filter((l) => !l.hidden)), [chart.id, pngTitle, lines]);
  return <MetricChart {...chart} series={lines} totalSteps={steps} markers={markers} onExportPng={onExportPng} />;
}

function pngExporter(id: string, title: string, legend: { name: string; color: string }[]) {
  return (figure: HTMLElement) => {
    chartPng(figure, title, legend).then((png) => saveFile(`dpo-ipo-lab-${id}.png`, png), (e: Error) => notify('error', TEXT.pngError(e.message)));
  };
}

/** One chart of the lab by id (the embed shows a chosen few). */
export function ChartById({ id }: { id: ChartId }) {
  const lossLog = useLab((s) => s.view.lossLog);
  const rewardMetric = useLab((s) => s.view.rewardMetric);
  const families = useFamilies();
  switch (id) {
    case 'pi-rej':
      return (
        <RunChart
          id="pi-rej" metric="pi_rej" slot={0} scale="log" pngTitle={TEXT.piRej.png} title={TEXT.piRej.title} subtitle={TEXT.piRej.subtitle} yLabel={TEXT.piRej.y}
          note={sentence(families.map((f) => NOTES.piRej[f]))}
        />
      );
    case 'sigma':
      return (
        <RunChart
          id="sigma" metric="sigma_margin" slot={1} scale="linear" yDomain={[0, 1]} pngTitle={TEXT.sigma.png} title={TEXT.sigma.title} subtitle={TEXT.sigma.subtitle} yLabel={TEXT.sigma.y}
          lines={families.includes('ipo') ? SIGMA_LINES : undefined}
          note={sentence(families.map((f) => NOTES.sigma[f]))}
        />
      );
    case 'loss':
      return (
        <RunChart
          id="loss" metric="loss" slot={2} scale={lossLog ? 'log' : 'linear'} title={TEXT.loss.title} pngTitle={TEXT.loss.png}
          yLabel={TEXT.loss.y([...new Set(families.map((f) => LOSS_UNITS[f]))].join(', '))}
          controls={
            <label className="chart-control">
              <input type="checkbox" checked={lossLog} onChange={(e) => setView({ lossLog: e.target.checked })} /> {TEXT.loss.log}
            </label>
          }
        />
      );
    case 'pi-chosen':
      return (
        <RunChart
          id="pi-chosen" metric="pi_chosen" slot={3} scale="log" pngTitle={TEXT.piChosen.png} title={TEXT.piChosen.title} subtitle={TEXT.piChosen.subtitle} yLabel={TEXT.piChosen.y}
          note={PI_CHOSEN_NOTE}
        />
      );
    case 'rewards':
      return (
        <RunChart
          id="rewards" metric={rewardMetric} slot={4} scale="linear" title={rewardMetric} pngTitle={rewardMetric} yLabel={REWARD_UNITS[rewardMetric]}
          controls={
            <select aria-label={TEXT.rewardsMetric} value={rewardMetric} onChange={(e) => setView({ rewardMetric: e.target.value as RewardMetric })}>
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

const SIGMA_LINES = [{ y: SIGMOID_HALF, label: TEXT.sigmaLine }];

/** h of each answer token of one run, against its loss's target (IPO: 1/(2β)) where it has one. */
function TokenMarginChart({ visible }: { visible: boolean }) {
  const runs = useLab((s) => s.experiment.runs);
  const focus = useLab((s) => s.view.hRun);
  const N = useLab((s) => s.answerLength);
  const steps = useLab((s) => s.experiment.steps);
  const styles = useRunStyles();
  const series = useLive((s) => s.series[s.view.hRun], 5, visible);
  const run = runs[focus] ?? runs[0]!;
  const color = (styles[focus] ?? styles[0]!).color;
  // Tokens told apart by opacity of the run's colour, and by dashes.
  const lines = useMemo<ChartSeries[]>(
    () => Array.from({ length: N }, (_, k) => ({
      key: `h${k}`, name: TEXT.h.token(k), color: shade(color, 1 - k / (N + 1)), dash: k % 2 === 1 ? '5 3' : undefined, values: series?.metrics[hMetric(k)] ?? [],
    })),
    [N, color, series],
  );
  const target = marginTarget(run);
  return (
    <MetricChart
      id="h" title={TEXT.h.title} series={lines} scale="linear" totalSteps={steps} yLabel={TEXT.h.y} legend
      onExportPng={pngExporter('h', TEXT.h.png(runName(run)), lines)}
      lines={target ? [{ y: target.value, label: TEXT.target(target.name, target.value), color }] : []}
      note={`${TEXT.hDefinition} ${NOTES.h[lossFamily(run.loss)]}`}
      controls={
        <select aria-label={TEXT.h.run} value={focus} onChange={(e) => focusRun(Number(e.target.value))}>
          {runs.map((r, i) => <option key={i} value={i}>{runName(r)}</option>)}
        </select>
      }
    />
  );
}

function shade(hex: string, alpha: number): string {
  const a = Math.round(Math.max(0.35, alpha) * 255).toString(16).padStart(2, '0');
  return `${hex}${a}`;
}
