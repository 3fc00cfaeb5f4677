/**
 * The science, with formulas rendered by KaTeX. Rendered again only when the
 * model or the data change: it describes the model actually in use.
 */
import katex from 'katex';
import 'katex/dist/katex.min.css';
import type { TFunction } from 'i18next';
import { memo, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { MODEL_PRESETS, type ModelPresetId } from '../model/config';
import { LOSS_CATALOG, LOSS_IDS } from '../train/catalog';
import type { Granularity } from '../train/data';
import { KL_METRIC, SCALAR_METRICS } from '../train/metrics';
import { paramCountOf } from './paramCount';
import { rich } from './rich';
import { ScrollBox } from './ScrollBox';
import { lossFormula, lossLabel, lossSummary, metricHelp, paperNote } from './sourceText';
import { useLab } from './useLab';

type Pair = { prompt: number[]; chosen: number[]; rejected: number[] };

/** The model in use, in words (its size from the catalogue). */
function modelText(t: TFunction, m: ModelPresetId): string {
  const c = MODEL_PRESETS[m];
  const size = t('explain.modelSize', { layers: c.numLayers, hidden: c.hiddenSize, params: paramCountOf(m).toLocaleString('en') });
  return m === 'notebook'
    ? t('explain.modelNotebook', { size })
    : t('explain.modelOther', { name: t(`settings.modelName.${m}`), size, millions: (paramCountOf('notebook') / 1e6).toFixed(1) });
}

/** The data in use, in words. */
function dataText(t: TFunction, pairs: Pair[]): string {
  if (pairs.length > 1) {
    return t('explain.dataMany', { n: pairs.length, prompts: range(pairs.map((p) => p.prompt.length)), answers: range(pairs.flatMap((p) => [p.chosen.length, p.rejected.length])) });
  }
  const p = pairs[0]!;
  const answers = p.chosen.length === p.rejected.length
    ? t('explain.answersSame', { n: p.chosen.length })
    : t('explain.answersDiffer', { chosen: p.chosen.length, rejected: p.rejected.length });
  return t('explain.dataOne', { prompt: p.prompt.length, answers });
}

const range = (xs: number[]) => {
  const [a, b] = [Math.min(...xs), Math.max(...xs)];
  return a === b ? String(a) : `${a}–${b}`;
};

function TeX({ tex, block = false }: { tex: string; block?: boolean }) {
  const { t } = useTranslation();
  const html = useMemo(() => katex.renderToString(tex, { throwOnError: false, displayMode: block }), [tex, block]);
  return block ? (
    <ScrollBox label={t('explain.formula')} className="math"><div dangerouslySetInnerHTML={{ __html: html }} /></ScrollBox>
  ) : (
    <span dangerouslySetInnerHTML={{ __html: html }} />
  );
}

/** The explanations for the experiment on screen (the model in use, its data). */
export function Explain() {
  const model = useLab((s) => s.experiment.model);
  const data = useLab((s) => s.experiment.data);
  const granularity = useLab((s) => s.experiment.granularity);
  const { i18n } = useTranslation();
  return <ExplainBody model={model} data={data} granularity={granularity} lang={i18n.language} />;
}

/** The inline formulas the panel's texts name ({pi}, {h}, …): the same in both languages. */
const F = {
  pi: <TeX tex="\pi" />,
  piRef: <TeX tex="\pi_{ref}" />,
  t: <TeX tex="t" />,
  h: <TeX tex="h" />,
  beta: <TeX tex="\beta" />,
  betaSpaced: <TeX tex="\ \beta" />,
  logChosen: <TeX tex={String.raw`\ \log\pi(c_t) \le 0`} />,
  bound: <TeX tex={String.raw`\ h_t \le \log\frac{\pi_{ref}(r_t)}{\pi_{ref}(c_t)} - \log \pi(r_t)`} />,
  toZero: <TeX tex={String.raw`\ \pi(r_t) \to 0`} />,
  target: <TeX tex={String.raw`h^* = \frac{1}{2\beta}`} />,
  sigma: <TeX tex={String.raw`\ \sigma(\beta h^*) = \sigma(\tfrac12) \approx 0.6225`} />,
  piRej: <TeX tex="\pi(r)" />,
};

// `lang` only re-renders the memoised panel when the language changes.
function ExplainImpl({ model, data, granularity }: { model: ModelPresetId; data: Pair[]; granularity: Granularity; lang: string }) {
  const { t } = useTranslation();
  const columns = [t('explain.columns.loss'), t(granularity === 'token' ? 'explain.columns.unitToken' : 'explain.columns.unitSequence'), t('explain.columns.does'), t('explain.columns.paper')];
  return (
    <section className="explain" aria-label={t('explain.region')}>
      <h2>{t('explain.heading')}</h2>
      <div className="explain-grid">
        <article>
          <h3>{t('explain.experiment.heading')}</h3>
          <p>{rich(t('explain.experiment.text', { model: modelText(t, model), data: dataText(t, data) }), F)}</p>
          <TeX block tex={String.raw`h_t = \log\frac{\pi(c_t)}{\pi_{ref}(c_t)} - \log\frac{\pi(r_t)}{\pi_{ref}(r_t)}`} />
          <p>{granularity === 'token' ? t('explain.granularityToken') : t('explain.granularitySequence')}</p>
        </article>
        <article>
          <h3>{t('explain.dpo.heading')}</h3>
          <TeX block tex={String.raw`\mathcal{L}_{DPO} = -\log\sigma(\beta h)`} />
          <TeX block tex={String.raw`\frac{\partial \mathcal{L}}{\partial h} = -\beta\,\sigma(-\beta h) < 0`} />
          <p>{rich(t('explain.dpo.text'), F)}</p>
        </article>
        <article>
          <h3>{t('explain.ipo.heading')}</h3>
          <TeX block tex={String.raw`\mathcal{L}_{IPO} = \left(h - \frac{1}{2\beta}\right)^2`} />
          <TeX block tex={String.raw`\frac{\partial \mathcal{L}}{\partial h} = 2\left(h - \frac{1}{2\beta}\right)`} />
          <p>{rich(t('explain.ipo.text'), F)}</p>
        </article>
      </div>
      <h3>{t('explain.replay.heading')}</h3>
      <p>{rich(t('explain.replay.text'), { replay: t('settings.replay') })}</p>
      <ul className="quirks">
        <li>{rich(t('explain.replay.weights'))}</li>
        <li>{rich(t('explain.replay.attention'))}</li>
        <li>{rich(t('explain.replay.rejected'), F)}</li>
      </ul>
      <h3>{t('explain.zoo')}</h3>
      <ScrollBox label={t('explain.lossTable')} className="table-wrap">
        <table className="loss-table stack">
          <thead>
            <tr>{columns.map((c) => <th key={c} scope="col">{c}</th>)}</tr>
          </thead>
          <tbody>
            {LOSS_IDS.map((id) => {
              const l = LOSS_CATALOG[id];
              return (
                <tr key={id}>
                  <td data-label={columns[0]}>{lossLabel(id)}</td>
                  <td data-label={columns[1]}><ScrollBox label={t('explain.formula')} className="formula"><TeX tex={lossFormula(id)} /></ScrollBox></td>
                  <td data-label={columns[2]}>{lossSummary(id)} {l.aggregate === 'mean' && <em>{t('explain.meanAggregate')}</em>}</td>
                  <td data-label={columns[3]} className="paper"><Paper id={id} /></td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </ScrollBox>
      <h3>{t('explain.metrics')}</h3>
      <dl className="glossary">
        {[...SCALAR_METRICS, KL_METRIC as typeof KL_METRIC].map((m) => (
          <div key={m}>
            <dt><code>{m}</code></dt>
            <dd>{metricHelp(m)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

const ExplainBody = memo(ExplainImpl);

/**
 * A paper, cited by its own (English) title as the course's references do: only the title is marked
 * lang="en" and data-verbatim (quoted as it is); the note on it is in the UI's language.
 */
function Paper({ id }: { id: (typeof LOSS_IDS)[number] }) {
  const { t } = useTranslation();
  const note = paperNote(id);
  const title = <cite lang="en" data-verbatim="">{LOSS_CATALOG[id].paper}</cite>;
  return note ? <>{rich(t('explain.paperCited', { note }), { paper: title })}</> : title;
}
