/**
 * The lab inside someone else's page: compact, the chosen charts only, the
 * one-line guidance and each run's verdict, the run editor only when the link
 * asks for it, optional autoplay. Landmarks and a heading as on any page.
 */
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { autoplay } from '../state/autoplay';
import { shareUrl } from '../state/share';
import { labStore } from '../state/store';
import { PRESETS } from '../train/presets';
import { ChartById, RunLegend } from '../ui/Charts';
import { RunVerdicts } from '../ui/FinalTable';
import { Notices } from '../ui/Notices';
import { LookFor } from '../ui/PresetBar';
import { RunTable } from '../ui/RunTable';
import { Settings } from '../ui/Settings';
import { Transport } from '../ui/Transport';
import { presetText } from '../ui/sourceText';
import { useLab } from '../ui/useLab';
import { useMessage } from '../ui/useMessage';

export function EmbedApp() {
  const embed = useLab((s) => s.embed);
  const state = useLab((s) => s.training.state);
  const backend = useLab((s) => s.training.backend);
  const preset = useLab((s) => PRESETS.find((p) => p.id === (s.presetId ?? s.basePresetId)));
  const autoplayed = useRef(false);
  const { t } = useTranslation();
  const msg = useMessage();
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
        <h1>{t('app.name')}</h1>
        {preset && <span className="embed-title">§{preset.section} {presetText(preset, 'title')}</span>}
        <a href={full} target="_blank" rel="noopener">{t('embed.full')}</a>
      </header>
      <main>
        <Notices />
        <Transport />
        <LookFor compact />
        <section aria-label={t('app.results')}>
          <RunLegend />
          <div className="chart-grid">
            {embed.charts.map((id) => <ChartById key={id} id={id} />)}
          </div>
          <RunVerdicts />
        </section>
        {embed.controls && (
          <div className="embed-controls">
            <RunTable />
            <Settings />
          </div>
        )}
      </main>
      <footer className="embed-foot" data-testid="backend" data-backend={backend?.active ?? ''}>{backend ? t('embed.foot', { backend: msg(backend.reason) }) : t('header.starting')}</footer>
    </div>
  );
}
