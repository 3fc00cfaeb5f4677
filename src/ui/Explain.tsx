/**
 * The science, with formulas rendered by KaTeX. Rendered again only when the
 * model or the data change: it describes the model actually in use.
 */
import katex from 'katex';
import 'katex/dist/katex.min.css';
import { memo, useMemo } from 'react';
import { MODEL_PRESETS, type ModelPresetId } from '../model/config';
import { LOSS_CATALOG, LOSS_IDS } from '../train/catalog';
import type { Granularity } from '../train/data';
import { KL_HELP, KL_METRIC, METRIC_HELP, SCALAR_METRICS } from '../train/metrics';
import { paramCountOf } from './paramCount';
import { ScrollBox } from './ScrollBox';
import { useLab } from './useLab';

const TEXT = {
  formula: 'Formula (scrolls sideways)',
  lossTable: 'Loss zoo (scrolls sideways)',
  lossColumns: ['loss', 'per unit', 'what it does', 'paper'],
  model: (m: ModelPresetId) => {
    const c = MODEL_PRESETS[m];
    const size = `${c.numLayers} layers, hidden size ${c.hiddenSize}, ${paramCountOf(m).toLocaleString('en')} parameters`;
    return m === 'notebook' ? `the notebook's: ${size}` : `the ${m} one: ${size}; the notebook's has ${(paramCountOf('notebook') / 1e6).toFixed(1)} M`;
  },
  data: (pairs: { prompt: number[]; chosen: number[]; rejected: number[] }[]) => {
    if (pairs.length > 1) return `${pairs.length} preference pairs (prompts of ${range(pairs.map((p) => p.prompt.length))} tokens, answers of ${range(pairs.flatMap((p) => [p.chosen.length, p.rejected.length]))})`;
    const p = pairs[0]!;
    const answers = p.chosen.length === p.rejected.length ? `a chosen and a rejected ${p.chosen.length}-token answer` : `a ${p.chosen.length}-token chosen and a ${p.rejected.length}-token rejected answer`;
    return `one preference: a ${p.prompt.length}-token prompt, ${answers}`;
  },
  granularity: (g: Granularity) =>
    g === 'token' ? 'and the token-level losses average over the answer tokens, as the notebook does.' : 'and at sequence level the losses compare whole answers (log-probs summed over the answer, as in the DPO paper and TRL).',
};

const range = (xs: number[]) => {
  const [a, b] = [Math.min(...xs), Math.max(...xs)];
  return a === b ? String(a) : `${a}–${b}`;
};

function TeX({ tex, block = false }: { tex: string; block?: boolean }) {
  const html = useMemo(() => katex.renderToString(tex, { throwOnError: false, displayMode: block }), [tex, block]);
  return block ? (
    <ScrollBox label={TEXT.formula} className="math"><div dangerouslySetInnerHTML={{ __html: html }} /></ScrollBox>
  ) : (
    <span dangerouslySetInnerHTML={{ __html: html }} />
  );
}

/** The explanations for the experiment on screen (the model in use, its data). */
export function Explain() {
  const model = useLab((s) => s.experiment.model);
  const data = useLab((s) => s.experiment.data);
  const granularity = useLab((s) => s.experiment.granularity);
  return <ExplainBody model={model} data={data} granularity={granularity} />;
}

function ExplainImpl({ model, data, granularity }: { model: ModelPresetId; data: Parameters<typeof TEXT.data>[0]; granularity: Granularity }) {
  return (
    <section className="explain" aria-label="Explanations">
      <h2>What is going on</h2>
      <div className="explain-grid">
        <article>
          <h3>The experiment</h3>
          <p>
            A small Llama ({TEXT.model(model)}) is the policy <TeX tex="\pi" />; a second, independently
            initialised copy is the frozen reference <TeX tex="\pi_{ref}" />. They see {TEXT.data(data)}. For every answer
            token <TeX tex="t" /> the implicit reward margin is
          </p>
          <TeX block tex={String.raw`h_t = \log\frac{\pi(c_t)}{\pi_{ref}(c_t)} - \log\frac{\pi(r_t)}{\pi_{ref}(r_t)}`} />
          <p>{TEXT.granularity(granularity)}</p>
        </article>
        <article>
          <h3>DPO: no floor for the rejected token</h3>
          <TeX block tex={String.raw`\mathcal{L}_{DPO} = -\log\sigma(\beta h)`} />
          <TeX block tex={String.raw`\frac{\partial \mathcal{L}}{\partial h} = -\beta\,\sigma(-\beta h) < 0`} />
          <p>
            The gradient never reaches zero for a finite margin, so training keeps raising <TeX tex="h" />. Because
            <TeX tex={String.raw`\ \log\pi(c_t) \le 0`} />, the margin is bounded by
            <TeX tex={String.raw`\ h_t \le \log\frac{\pi_{ref}(r_t)}{\pi_{ref}(c_t)} - \log \pi(r_t)`} />: the only way up is
            <TeX tex={String.raw`\ \pi(r_t) \to 0`} />. With a preference that is always the same, DPO's optimum sends the rejected
            probability to zero whatever <TeX tex="\beta" /> is; <TeX tex="\beta" /> only changes the speed (Azar et al. 2023, §4.2).
          </p>
        </article>
        <article>
          <h3>IPO: a target, so it stops</h3>
          <TeX block tex={String.raw`\mathcal{L}_{IPO} = \left(h - \frac{1}{2\beta}\right)^2`} />
          <TeX block tex={String.raw`\frac{\partial \mathcal{L}}{\partial h} = 2\left(h - \frac{1}{2\beta}\right)`} />
          <p>
            The gradient vanishes at <TeX tex={String.raw`h^* = \frac{1}{2\beta}`} />, so the policy stops there, and
            <TeX tex={String.raw`\ \sigma(\beta h^*) = \sigma(\tfrac12) \approx 0.6225`} /> for every <TeX tex="\beta" />. A larger
            <TeX tex="\ \beta" /> sets a smaller target, keeps the policy closer to the reference, and leaves <TeX tex="\pi(r)" /> higher.
            With a large learning rate plain SGD overshoots the target and oscillates before settling; Adam keeps fluctuating around it.
          </p>
        </article>
      </div>
      <h3>Replaying the notebook exactly</h3>
      <p>
        With <b>Replay the notebook exactly</b> on, the lab starts from the weights PyTorch builds after <code>torch.manual_seed(seed)</code>
        (the reference is the notebook's first model, the policy its fourth) and shows the notebook's printed numbers. The notebook has
        three quirks, none of which changes the lesson:
      </p>
      <ul className="quirks">
        <li>
          <b>Its initial weights</b> come from PyTorch's generator and Hugging Face's initialisation order, not from the lab's own
          generator: other random numbers, the same kind of model.
        </li>
        <li>
          <b>Its attention</b> is given the answer mask as <code>attention_mask</code>, so the prompt counts as padding and each answer
          token attends only to the answer before it: the policy still learns a deterministic preference, only from less context.
        </li>
        <li>
          <b>Its <code>x_rejected</code></b> is built from the chosen sequence, so the rejected tokens are scored on the chosen answer's
          logits: both answers still pull on the same positions, and DPO still drives <TeX tex={String.raw`\pi(r)`} /> to zero while IPO stops.
        </li>
      </ul>
      <h3>The loss zoo</h3>
      <ScrollBox label={TEXT.lossTable} className="table-wrap">
        <table className="loss-table stack">
          <thead>
            <tr>{TEXT.lossColumns.map((c) => <th key={c} scope="col">{c}</th>)}</tr>
          </thead>
          <tbody>
            {LOSS_IDS.map((id) => {
              const l = LOSS_CATALOG[id];
              return (
                <tr key={id}>
                  <td data-label={TEXT.lossColumns[0]}>{l.label}</td>
                  <td data-label={TEXT.lossColumns[1]}><ScrollBox label={TEXT.formula} className="formula"><TeX tex={l.formula} /></ScrollBox></td>
                  <td data-label={TEXT.lossColumns[2]}>{l.summary} {l.aggregate === 'mean' && <em>Sequence level: length-averaged log-probs.</em>}</td>
                  <td data-label={TEXT.lossColumns[3]} className="paper">{l.paper}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </ScrollBox>
      <h3>Metrics</h3>
      <dl className="glossary">
        {SCALAR_METRICS.map((m) => (
          <div key={m}>
            <dt><code>{m}</code></dt>
            <dd>{METRIC_HELP[m]}</dd>
          </div>
        ))}
        <div>
          <dt><code>{KL_METRIC}</code></dt>
          <dd>{KL_HELP}</dd>
        </div>
      </dl>
    </section>
  );
}

const ExplainBody = memo(ExplainImpl);
