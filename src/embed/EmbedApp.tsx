/**
 * The lab inside someone else's page: compact, the chosen charts only, the
 * run editor only when the link asks for it, optional autoplay.
 */
import { useEffect, useRef } from 'react';
import { autoplay } from '../state/actions';
import { shareUrl } from '../state/share';
import { labStore } from '../state/store';
import { PRESETS } from '../train/presets';
import { ChartById, RunLegend } from '../ui/Charts';
import { Notices } from '../ui/Notices';
import { RunTable } from '../ui/RunTable';
import { Settings } from '../ui/Settings';
import { Transport } from '../ui/Transport';
import { useLab } from '../ui/useLab';

export function EmbedApp() {
  const embed = useLab((s) => s.embed);
  const state = useLab((s) => s.training.state);
  const backend = useLab((s) => s.training.backend);
  const preset = useLab((s) => PRESETS.find((p) => p.id === s.presetId));
  const autoplayed = useRef(false);
  useEffect(() => {
    if (embed.autoplay && !autoplayed.current && state === 'idle') {
      autoplayed.current = true;
      autoplay(); // asks first when the link's experiment is expensive

    }
  }, [embed.autoplay, state]);
  const full = shareUrl(labStore.getState(), window.location.href, { on: false, autoplay: false, controls: false });
  return (
    <div className="app embed" data-testid="embed">
      <header className="embed-head">
        <strong>DPO/IPO Lab</strong>
        {preset && <span className="embed-title">§{preset.section} {preset.title}</span>}
        <a href={full} target="_blank" rel="noopener">open the full lab ↗</a>
      </header>
      <Notices />
      <Transport />
      <RunLegend />
      <div className="chart-grid">
        {embed.charts.map((id) => <ChartById key={id} id={id} />)}
      </div>
      {embed.controls && (
        <div className="embed-controls">
          <RunTable />
          <Settings />
        </div>
      )}
      <p className="embed-foot" data-testid="backend" data-backend={backend?.active ?? ''}>{backend ? backend.reason : 'starting…'} · trains in your browser</p>
    </div>
  );
}
