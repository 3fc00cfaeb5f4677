/** Global settings: the notebook's exact replay, model size, steps, seed, scoring and granularity. */
import { setNotebookExact, setSetting } from '../state/actions';
import { MODEL_PRESETS, type ModelPresetId } from '../model/config';
import { paramCountOf } from './paramCount';
import { NumberField } from './NumberField';
import { useLab } from './useLab';

export function Settings() {
  const e = useLab((s) => s.experiment);
  return (
    <section className="settings" aria-label="Settings">
      <h2>Settings</h2>
      <label className="switch" title="PyTorch's initial weights for this seed (reference = the notebook's 1st model, policy = its 4th), answer-only attention and the notebook's x_rejected quirk">
        <input type="checkbox" data-testid="notebook-exact" checked={e.notebookExact} onChange={(ev) => setNotebookExact(ev.target.checked)} />
        <span>Replay the notebook exactly <small>(its weights, attention and quirks: the printed numbers, digit for digit)</small></span>
      </label>
      <div className="settings-grid">
        <label className="field">
          <span className="field-label">model</span>
          <select aria-label="Model size" value={e.model} onChange={(ev) => setSetting('model', ev.target.value as ModelPresetId)}>
            {(Object.keys(MODEL_PRESETS) as ModelPresetId[]).map((m) => (
              <option key={m} value={m}>{m} ({paramCountOf(m).toLocaleString('en')} params)</option>
            ))}
          </select>
        </label>
        <NumberField label="steps" integer value={e.steps} onCommit={(v) => setSetting('steps', v)} />
        <NumberField label="seed" integer value={e.seed} onCommit={(v) => setSetting('seed', v)} />
        <label className="field">
          <span className="field-label">scoring</span>
          <select aria-label="Scoring" value={e.scoring} onChange={(ev) => setSetting('scoring', ev.target.value as typeof e.scoring)} title="same-position is the notebook's get_probs (no shift)">
            <option value="same-position">same position (notebook)</option>
            <option value="next-token">next token (standard)</option>
          </select>
        </label>
        <label className="field">
          <span className="field-label">granularity</span>
          <select aria-label="Granularity" value={e.granularity} onChange={(ev) => setSetting('granularity', ev.target.value as typeof e.granularity)}>
            <option value="token">per token (notebook)</option>
            <option value="sequence">per answer (DPO paper, TRL)</option>
          </select>
        </label>
      </div>
    </section>
  );
}
