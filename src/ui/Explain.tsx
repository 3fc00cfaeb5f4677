/** The science, with formulas rendered by KaTeX. Static content, rendered once. */
import katex from 'katex';
import 'katex/dist/katex.min.css';
import { memo, useMemo } from 'react';
import { LOSS_CATALOG, LOSS_IDS } from '../train/catalog';
import { KL_HELP, KL_METRIC, METRIC_HELP, SCALAR_METRICS } from '../train/metrics';

function TeX({ tex, block = false }: { tex: string; block?: boolean }) {
  const html = useMemo(() => katex.renderToString(tex, { throwOnError: false, displayMode: block }), [tex, block]);
  return block ? <div className="math" dangerouslySetInnerHTML={{ __html: html }} /> : <span dangerouslySetInnerHTML={{ __html: html }} />;
}

function ExplainImpl() {
  return (
    <section className="explain" aria-label="Explanations">
      <h2>What is going on</h2>
      <div className="explain-grid">
        <article>
          <h3>The experiment</h3>
          <p>
            A small Llama (the notebook's: 2 layers, 1.3 M parameters) is the policy <TeX tex="\pi" />; a second, independently
            initialised copy is the frozen reference <TeX tex="\pi_{ref}" />. They see one preference: a 6-token prompt, a chosen and a
            rejected 4-token answer. For every answer token <TeX tex="t" /> the implicit reward margin is
          </p>
          <TeX block tex={String.raw`h_t = \log\frac{\pi(c_t)}{\pi_{ref}(c_t)} - \log\frac{\pi(r_t)}{\pi_{ref}(r_t)}`} />
          <p>and the token-level losses average over the answer tokens, as the notebook does.</p>
        </article>
        <article>
          <h3>DPO: no floor for the rejected token</h3>
          <TeX block tex={String.raw`\mathcal{L}_{DPO} = -\log\sigma(\beta h), \qquad \frac{\partial \mathcal{L}}{\partial h} = -\beta\,\sigma(-\beta h) < 0`} />
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
          <TeX block tex={String.raw`\mathcal{L}_{IPO} = \left(h - \frac{1}{2\beta}\right)^2, \qquad \frac{\partial \mathcal{L}}{\partial h} = 2\left(h - \frac{1}{2\beta}\right)`} />
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
      <div className="table-wrap">
        <table className="loss-table">
          <thead>
            <tr><th>loss</th><th>per unit</th><th>what it does</th><th>paper</th></tr>
          </thead>
          <tbody>
            {LOSS_IDS.map((id) => {
              const l = LOSS_CATALOG[id];
              return (
                <tr key={id}>
                  <td>{l.label}</td>
                  <td><TeX tex={l.formula} /></td>
                  <td>{l.summary} {l.aggregate === 'mean' && <em>Sequence level: length-averaged log-probs.</em>}</td>
                  <td className="paper">{l.paper}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
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

export const Explain = memo(ExplainImpl);
