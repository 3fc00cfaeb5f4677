/** The notebook's run sets in one click, and what to look for in the current one. */
import { applyPreset } from '../state/actions';
import { PRESETS } from '../train/presets';
import { useLab } from './useLab';

export function PresetBar() {
  const presetId = useLab((s) => s.presetId);
  return (
    <section className="presets" aria-label="Notebook experiments">
      <h2>Notebook experiments</h2>
      <div className="preset-buttons">
        {PRESETS.map((p) => (
          <button key={p.id} type="button" data-testid={`preset-${p.id}`} aria-pressed={presetId === p.id} onClick={() => applyPreset(p.id)}>
            <span className="preset-section">{/^\d/.test(p.section) ? `§${p.section}` : p.section}</span> {p.title}
          </button>
        ))}
      </div>
    </section>
  );
}

export function LookFor() {
  const preset = useLab((s) => PRESETS.find((p) => p.id === s.presetId));
  if (!preset) return null;
  return (
    <p className="look-for" data-testid="look-for">
      <strong>What to look for ({preset.title}):</strong> {preset.lookFor}
    </p>
  );
}
