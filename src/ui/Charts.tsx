/**
 * The charts, built from the store: every run in its family's colour, with a
 * shared legend that hides or shows a run everywhere. Each chart follows the
 * metrics through useLive (throttled, one slot per chart), so the page stays
 * responsive while training streams in. The notes under the charts speak only
 * of the loss families in the experiment.
 */
import { useMemo, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { currentLanguage, t as translate, translateChange } from '../i18n';
import { useShallow } from 'zustand/react/shallow';
import type { RunStyle } from '../charts/colors';
import { formatValue } from '../charts/format';
import { MetricChart, type ChartMarker, type ChartSeries, type MetricChartProps } from '../charts/MetricChart';
import { focusRun, setView, toggleHidden } from '../state/actions';
import { notify } from '../state/notices';
import { chartPng, saveFile } from './download';
import { GpoView } from './GpoView';
import { Squeeze } from './Squeeze';
import { REWARD_METRICS, type ChartId, type RewardMetric } from '../state/linkState';
import { lossFamily, type LossFamily } from '../train/families';
import { hMetric } from '../train/metrics';
import { marginTarget } from '../train/verdict';
import { runLabel, stoppedLabel } from './sourceText';
import { useLab } from './useLab';
import { useInView, useLive } from './useLive';
import { useRunStyles } from './useRunStyles';

const SIGMOID_HALF = 1 / (1 + Math.exp(-0.5));

/** A chart note from what each family present says: "Part; part." (Chinese: "……；……。"). */
function sentence(t: TFunction, parts: string[]): string | undefined {
  return parts.length === 0 ? undefined : `${parts.join(t('common.noteSep'))}${t('common.noteEnd')}`.replace(/^./, (c) => c.toUpperCase());
}

/** The loss families in the experiment, in a fixed order. */
function useFamilies(): LossFamily[] {
  const runs = useLab((s) => s.experiment.runs);
  return useMemo(() => (['dpo', 'ipo', 'hinge', 'reference-free'] as const).filter((f) => runs.some((r) => lossFamily(r.loss) === f)), [runs]);
}

/** What the π(rejected) and σ notes say: each family's behaviour, and that adapters on a frozen model get less far (LoRA preset). */
function useOutcomeNote(chart: 'piRej' | 'sigma'): string | undefined {
  const families = useFamilies();
  const adapters = useLab((s) => s.experiment.runs.some((r) => r.policy !== 'full'));
  const { t } = useTranslation();
  return sentence(t, [...families.map((f) => t(`charts.notes.${chart}.${f}`)), ...(adapters ? [t('charts.notes.adapters')] : [])]);
}

export function RunLegend() {
  const runs = useLab((s) => s.experiment.runs);
  const hidden = useLab((s) => s.view.hidden);
  const styles = useRunStyles();
  const states = useLab(useShallow((s) => s.series.map((x) => x.status.state)));
  const { t } = useTranslation();
  const stopped = states.map((st) => (st === undefined || st === 'ok' ? null : stoppedLabel(st)));
  return (
    <div className="legend" role="group" aria-label={t('charts.legend')}>
      {runs.map((r, i) => (
        <button key={i} type="button" className="legend-item" aria-pressed={!hidden[i]} data-testid={`legend-${i}`} data-color={styles[i]?.color} onClick={() => toggleHidden(i)} title={hidden[i] ? t('charts.show') : t('charts.hide')}>
          <LineSwatch style={styles[i]} filled={!hidden[i]} />
          {runLabel(r)}
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
  const { i18n } = useTranslation();
  const lines = useMemo<ChartSeries[]>(
    () => runs.map((r, i) => ({ key: `r${i}`, name: runLabel(r), color: styles[i]!.color, dash: styles[i]!.dash, values: series[i]?.metrics[metric] ?? [], hidden: hidden[i] ?? false })),
    [runs, styles, hidden, series, metric, i18n.language],
  );
  const markers = useMemo<ChartMarker[]>(
    () => changes.map((c) => ({ x: c.step, label: translateChange(c.text, currentLanguage()), color: styles[c.run]?.color ?? 'var(--muted)' })),
    [changes, styles, i18n.language],
  );
  const onExportPng = useMemo(() => pngExporter(chart.id, pngTitle, lines.filter((l) => !l.hidden)), [chart.id, pngTitle, lines]);
  return <MetricChart {...chart} series={lines} totalSteps={steps} markers={markers} onExportPng={onExportPng} />;
}

function pngExporter(id: string, title: string, legend: { name: string; color: string }[]) {
  return (figure: HTMLElement) => {
    chartPng(figure, title, legend).then((png) => saveFile(`dpo-ipo-lab-${id}.png`, png), (e: Error) => notify('error', translate('charts.pngError', { message: e.message })));
  };
}

/** One chart of the lab by id (the embed shows a chosen few). */
export function ChartById({ id }: { id: ChartId }) {
  const lossLog = useLab((s) => s.view.lossLog);
  const rewardMetric = useLab((s) => s.view.rewardMetric);
  const families = useFamilies();
  const piRejNote = useOutcomeNote('piRej');
  const sigmaNote = useOutcomeNote('sigma');
  const { t } = useTranslation();
  const sigmaLines = useMemo(() => [{ y: SIGMOID_HALF, label: t('charts.sigmaLine') }], [t]);
  switch (id) {
    case 'pi-rej':
      return (
        <RunChart
          id="pi-rej" metric="pi_rej" slot={0} scale="log" pngTitle={t('charts.piRej.png')} title={t('charts.piRej.title')} subtitle={t('charts.piRej.subtitle')} yLabel={t('charts.piRej.y')}
          note={piRejNote}
        />
      );
    case 'sigma':
      return (
        <RunChart
          id="sigma" metric="sigma_margin" slot={1} scale="linear" yDomain={[0, 1]} pngTitle={t('charts.sigma.png')} title={t('charts.sigma.title')} subtitle={t('charts.sigma.subtitle')} yLabel={t('charts.sigma.y')}
          lines={families.includes('ipo') ? sigmaLines : undefined}
          note={sigmaNote}
        />
      );
    case 'loss':
      return (
        <RunChart
          id="loss" metric="loss" slot={2} scale={lossLog ? 'log' : 'linear'} title={t('charts.loss.title')} pngTitle={t('charts.loss.png')}
          yLabel={t('charts.loss.y', { units: [...new Set(families.map((f) => t(`charts.lossUnits.${f}`)))].join(t('common.listSep')) })}
          controls={
            <label className="chart-control">
              <input type="checkbox" checked={lossLog} onChange={(e) => setView({ lossLog: e.target.checked })} /> {t('charts.loss.log')}
            </label>
          }
        />
      );
    case 'pi-chosen':
      return (
        <RunChart
          id="pi-chosen" metric="pi_chosen" slot={3} scale="log" pngTitle={t('charts.piChosen.png')} title={t('charts.piChosen.title')} subtitle={t('charts.piChosen.subtitle')} yLabel={t('charts.piChosen.y')}
          note={t('charts.notes.piChosen')}
        />
      );
    case 'rewards':
      return (
        <RunChart
          id="rewards" metric={rewardMetric} slot={4} scale="linear" title={rewardMetric} pngTitle={rewardMetric} yLabel={t(`charts.rewardUnits.${rewardMetric}`)}
          controls={
            <select aria-label={t('charts.rewardsMetric')} value={rewardMetric} onChange={(e) => setView({ rewardMetric: e.target.value as RewardMetric })}>
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

/** h of each answer token of one run, against its loss's target (IPO: 1/(2β)) where it has one. */
function TokenMarginChart({ visible }: { visible: boolean }) {
  const runs = useLab((s) => s.experiment.runs);
  const focus = useLab((s) => s.view.hRun);
  const N = useLab((s) => s.answerLength);
  const steps = useLab((s) => s.experiment.steps);
  const styles = useRunStyles();
  const series = useLive((s) => s.series[s.view.hRun], 5, visible);
  const { t } = useTranslation();
  const run = runs[focus] ?? runs[0]!;
  const color = (styles[focus] ?? styles[0]!).color;
  // Tokens told apart by opacity of the run's colour, and by dashes.
  const lines = useMemo<ChartSeries[]>(
    () => Array.from({ length: N }, (_, k) => ({
      key: `h${k}`, name: t('charts.h.token', { k: k + 1 }), color: shade(color, 1 - k / (N + 1)), dash: k % 2 === 1 ? '5 3' : undefined, values: series?.metrics[hMetric(k)] ?? [],
    })),
    [N, color, series, t],
  );
  const target = marginTarget(run);
  return (
    <MetricChart
      id="h" title={t('charts.h.title')} series={lines} scale="linear" totalSteps={steps} yLabel={t('charts.h.y')} legend
      onExportPng={pngExporter('h', t('charts.h.png', { run: runLabel(run) }), lines)}
      lines={target ? [{ y: target.value, label: t('charts.target', { name: target.name, value: formatValue(target.value) }), color }] : []}
      note={`${t('charts.hDefinition')} ${t(`charts.notes.h.${lossFamily(run.loss)}`)}`}
      controls={
        <select aria-label={t('charts.h.run')} value={focus} onChange={(e) => focusRun(Number(e.target.value))}>
          {runs.map((r, i) => <option key={i} value={i}>{runLabel(r)}</option>)}
        </select>
      }
    />
  );
}

function shade(hex: string, alpha: number): string {
  const a = Math.round(Math.max(0.35, alpha) * 255).toString(16).padStart(2, '0');
  return `${hex}${a}`;
}
