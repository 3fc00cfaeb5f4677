/** The lab's page: controls on one side, charts and explanations on the other. */
import { useTranslation } from 'react-i18next';
import { Charts, RunLegend } from './Charts';
import { DataEditor } from './DataEditor';
import { Explain } from './Explain';
import { FinalTable } from './FinalTable';
import { Header } from './Header';
import { LanguageSwitch } from './LanguageSwitch';
import { Notices } from './Notices';
import { LookFor, PresetBar } from './PresetBar';
import { RunTable } from './RunTable';
import { Settings } from './Settings';
import { Squeeze } from './Squeeze';
import { Transport } from './Transport';
import { ExportPanel } from './ExportPanel';
import { SharePanel } from './SharePanel';

export function App() {
  const { t } = useTranslation();
  return (
    <div className="app">
      <Header>
        <LanguageSwitch />
        <SharePanel />
      </Header>
      <Notices />
      <main className="layout">
        <aside className="controls">
          <PresetBar />
          <Transport />
          <RunTable />
          <Settings />
          <details className="panel">
            <summary>{t('app.data')}</summary>
            <DataEditor />
          </details>
          <details className="panel">
            <summary>{t('app.exportWeights')}</summary>
            <ExportPanel />
          </details>
        </aside>
        <section className="results" aria-label={t('app.results')}>
          <LookFor />
          <RunLegend />
          <Charts />
          <Squeeze />
          <FinalTable />
        </section>
      </main>
      <Explain />
      <footer className="app-footer">{t('app.footer')}</footer>
    </div>
  );
}
