/** The lab's page: controls on one side, charts and explanations on the other. */
import { Charts, RunLegend } from './Charts';
import { DataEditor } from './DataEditor';
import { Explain } from './Explain';
import { FinalTable } from './FinalTable';
import { Header } from './Header';
import { Notices } from './Notices';
import { LookFor, PresetBar } from './PresetBar';
import { RunTable } from './RunTable';
import { Settings } from './Settings';
import { Squeeze } from './Squeeze';
import { Transport } from './Transport';
import { ExportPanel } from './ExportPanel';
import { SharePanel } from './SharePanel';

export function App() {
  return (
    <div className="app">
      <Header>
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
            <summary>Data</summary>
            <DataEditor />
          </details>
          <details className="panel">
            <summary>Export and weights</summary>
            <ExportPanel />
          </details>
        </aside>
        <section className="results" aria-label="Results">
          <LookFor />
          <RunLegend />
          <Charts />
          <Squeeze />
          <FinalTable />
        </section>
      </main>
      <Explain />
      <footer className="app-footer">
        Reproduces the MA-RLHF “hand-written DPO” notebook (§6.2–6.3). Training runs in your browser with TensorFlow.js; nothing leaves this page.
      </footer>
    </div>
  );
}
