/**
 * The squeeze view: the policy's distribution over the vocabulary at each
 * answer position, so you can see where the probability taken from the
 * rejected token goes, and that the chosen token can lose mass too.
 * Fed plain arrays (log-probs); no store access. Drawn as plain CSS bars:
 * 32 bars per position need no axes, and this view redraws while training.
 * No hue: the chosen token is solid ink, the rejected one striped ink, the
 * others grey, so no bar reads as a run's colour and colour-blind readers
 * lose nothing.
 */
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { formatValue } from './format';

export interface SqueezeChartProps {
  /** log pi over the vocabulary at each answer position k, in the chosen or rejected context. */
  positions: { logp: number[]; chosen: number; rejected: number }[];
  /** Same, at step 0, for the before/after readout. */
  initial: { logp: number[] }[] | null;
  tokenLabel: (id: number) => string;
  step: number;
}

function SqueezeChartImpl({ positions, initial, tokenLabel, step }: SqueezeChartProps) {
  const { t } = useTranslation();
  const was = (v: number | undefined) => t('squeeze.was', { v: formatValue(v) });
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
            <div className="squeeze-title">{t('squeeze.position', { k: k + 1 })} <small>{t('squeeze.axis', { max: formatValue(yMax) })}</small></div>
            <div className="squeeze-bars" role="img" aria-label={t('squeeze.bars', { n: probs.length })}>
              {data.map((d) => (
                <span
                  key={d.id}
                  className={`squeeze-bar ${d.id === pos.chosen ? 'chosen' : d.id === pos.rejected ? 'rejected' : 'other'}`}
                  title={`${tokenLabel(d.id)}: ${formatValue(d.p)}`}
                  style={{ height: `${Math.min(100, (100 * d.p) / yMax)}%` }}
                />
              ))}
            </div>
            <dl className="squeeze-readout">
              <dt><span className="swatch chosen" />{t('squeeze.chosen')} <span className="token">“{tokenLabel(pos.chosen)}”</span></dt>
              <dd>{formatValue(probs[pos.chosen])}{before && <small>{was(before(pos.chosen))}</small>}</dd>
              <dt><span className="swatch rejected" />{t('squeeze.rejected')} <span className="token">“{tokenLabel(pos.rejected)}”</span></dt>
              <dd>{formatValue(probs[pos.rejected])}{before && <small>{was(before(pos.rejected))}</small>}</dd>
              <dt><span className="swatch other" />{t('squeeze.other')} <span className="token">“{tokenLabel(top)}”</span></dt>
              <dd>{formatValue(probs[top])}{before && <small>{was(before(top))}</small>}</dd>
            </dl>
          </div>
        );
      })}
    </div>
  );
}

export const SqueezeChart = memo(SqueezeChartImpl);
