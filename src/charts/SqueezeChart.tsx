/**
 * The squeeze view: the policy's distribution over the vocabulary at each
 * answer position, so you can see where the probability taken from the
 * rejected token goes, and that the chosen token can lose mass too.
 * Fed plain arrays (log-probs); no store access. Drawn as plain CSS bars:
 * 32 bars per position need no axes, and this view redraws while training.
 */
import { memo } from 'react';
import { formatValue } from './format';

export interface SqueezeChartProps {
  /** log pi over the vocabulary at each answer position k, in the chosen or rejected context. */
  positions: { logp: number[]; chosen: number; rejected: number }[];
  /** Same, at step 0, for the before/after readout. */
  initial: { logp: number[] }[] | null;
  tokenLabel: (id: number) => string;
  step: number;
}

const CHOSEN = 'var(--chosen)';
const REJECTED = 'var(--rejected)';
const OTHER = 'var(--other)';

function SqueezeChartImpl({ positions, initial, tokenLabel, step }: SqueezeChartProps) {
  return (
    <div className="squeeze" data-testid="squeeze" data-step={step}>
      {positions.map((pos, k) => {
        const probs = pos.logp.map((lp) => Math.exp(lp));
        const data = probs.map((p, id) => ({ id, p }));
        // Zoom the axis to the tallest bar (at least 5%), so a flat distribution is still readable.
        const yMax = Math.min(1, Math.max(0.05, ...probs) * 1.05);
        let top = -1;
        probs.forEach((p, id) => {
          if (id !== pos.chosen && id !== pos.rejected && (top < 0 || p > probs[top]!)) top = id;
        });
        const before = initial?.[k] ? (id: number) => Math.exp(initial[k]!.logp[id]!) : null;
        return (
          <div className="squeeze-position" key={k} data-testid={`squeeze-${k}`} data-p-chosen={probs[pos.chosen]} data-p-rejected={probs[pos.rejected]}>
            <div className="squeeze-title">answer token {k + 1} <small>(axis 0 to {formatValue(yMax)})</small></div>
            <div className="squeeze-bars" role="img" aria-label={`distribution over ${probs.length} tokens`}>
              {data.map((d) => (
                <span
                  key={d.id}
                  className="squeeze-bar"
                  title={`${tokenLabel(d.id)}: ${formatValue(d.p)}`}
                  style={{ height: `${Math.min(100, (100 * d.p) / yMax)}%`, background: d.id === pos.chosen ? CHOSEN : d.id === pos.rejected ? REJECTED : OTHER }}
                />
              ))}
            </div>
            <dl className="squeeze-readout">
              <dt><span className="swatch" style={{ background: CHOSEN }} />chosen “{tokenLabel(pos.chosen)}”</dt>
              <dd>{formatValue(probs[pos.chosen])}{before && <small> (was {formatValue(before(pos.chosen))})</small>}</dd>
              <dt><span className="swatch" style={{ background: REJECTED }} />rejected “{tokenLabel(pos.rejected)}”</dt>
              <dd>{formatValue(probs[pos.rejected])}{before && <small> (was {formatValue(before(pos.rejected))})</small>}</dd>
              <dt><span className="swatch" style={{ background: OTHER }} />top other “{tokenLabel(top)}”</dt>
              <dd>{formatValue(probs[top])}{before && <small> (was {formatValue(before(top))})</small>}</dd>
            </dl>
          </div>
        );
      })}
    </div>
  );
}

export const SqueezeChart = memo(SqueezeChartImpl);
