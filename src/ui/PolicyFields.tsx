/** What a run trains: the full model, or LoRA / DoRA adapters (rank, α, targets), and how many parameters that is. */
import { useState } from 'react';
import { ADAPTER_TARGETS, type AdapterTarget } from '../model/adapters';
import { MODEL_PRESETS } from '../model/config';
import { updateRun } from '../state/actions';
import { POLICY_IDS, POLICY_LABELS, trainableParamCount, type PolicyId, type Run } from '../train/run';
import { NumberField } from './NumberField';
import { useLab } from './useLab';

const POLICY_TITLE = 'full: every weight trains. LoRA: the initial weights stay frozen and trainable adapters add (α/r)·B·A to the chosen projections (B starts at 0). DoRA: LoRA on the direction, plus a trainable magnitude per output row. Changing it restarts the experiment.';

export function PolicyFields({ run, index }: { run: Run; index: number }) {
  const model = useLab((s) => s.experiment.model);
  // The select and the targets show their problems here; a NumberField shows its own.
  const [error, setError] = useState<string | null>(null);
  const apply = (patch: Partial<Run>) => {
    const problems = updateRun(index, patch);
    setError(problems.length > 0 ? problems.join('; ') : null);
  };
  const toggle = (t: AdapterTarget, on: boolean) => apply({ loraTargets: on ? [...run.loraTargets, t] : run.loraTargets.filter((x) => x !== t) });
  const trainable = trainableParamCount(MODEL_PRESETS[model], run);
  return (
    <>
      <label className="field">
        <span className="field-label">policy</span>
        <select aria-label={`Run ${index + 1} policy`} value={run.policy} title={POLICY_TITLE} onChange={(e) => apply({ policy: e.target.value as PolicyId })}>
          {POLICY_IDS.map((id) => <option key={id} value={id}>{POLICY_LABELS[id]}</option>)}
        </select>
      </label>
      {run.policy !== 'full' && (
        <>
          <NumberField label="rank r" integer title="LoRA rank: at most min(in, out) of every adapted projection" value={run.loraRank} onCommit={(loraRank) => updateRun(index, { loraRank })} />
          <NumberField label="α" title="LoRA alpha: the update is scaled by α/r (PEFT)" value={run.loraAlpha} onCommit={(loraAlpha) => updateRun(index, { loraAlpha })} />
          <fieldset className="field" aria-label={`Run ${index + 1} LoRA targets`}>
            <span className="field-label">targets</span>
            <span>
              {ADAPTER_TARGETS.map((t) => (
                <label key={t} title={`${t}_proj`} style={{ whiteSpace: 'nowrap', marginRight: '0.4em' }}>
                  <input type="checkbox" aria-label={`Run ${index + 1} LoRA on ${t}_proj`} checked={run.loraTargets.includes(t)} onChange={(e) => toggle(t, e.target.checked)} />{t}
                </label>
              ))}
            </span>
          </fieldset>
        </>
      )}
      <span className="field" data-testid={`trainable-${index}`} title="Parameters the optimizer updates (grad_norm and Adam's moments cover these)">
        <span className="field-label">trainable</span>
        <span>{trainable.toLocaleString('en')}</span>
      </span>
      {error && <span className="field-error" role="alert">{error}</span>}
    </>
  );
}
