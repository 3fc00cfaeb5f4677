/** Entry point: read the link, pick the language, render the lab, start the training worker and, inside an iframe, the embed API. */
import './jitless'; // first: before any zod schema parses (see there)
import '@fontsource/noto-sans-sc/400.css'; // Chinese glyphs from this site (font-src 'self'), loaded per subset as text needs them
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { startEmbedApi } from './embed/api';
import { connectEngine, onExportedWeights, onWorkerEvent } from './state/actions';
import { bootFromUrl, syncAddressBar } from './state/share';
import { Root } from './Root';
import { saveFile } from './ui/download';
import { installKeyboard } from './ui/keyboard';
import { startWorkerEngine } from './worker/client';
import { browserLanguage, fontsReady, setLanguage } from './i18n';
import { labStore } from './state/store';
import { registerServiceWorker } from './offline';
import './ui/styles.css';

bootFromUrl(window.location.href);
// The link's language wins over the browser's; set before the first render, so no text shows in the other,
// and in Chinese the first render waits (briefly) for the glyphs of the UI's text (i18n/fonts.ts).
const lang = labStore.getState().view.lang ?? browserLanguage();
setLanguage(lang);
// The service worker: offline use, and cross-origin isolation (WASM threads) from the next visit on.
const nextVisitIsolated = registerServiceWorker();
// The worker starts at once: it probes backends and builds the model while the page renders.
connectEngine(startWorkerEngine(onWorkerEvent, { nextVisitIsolated }));
void fontsReady(lang).then(() =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <Root />
    </StrictMode>,
  ),
);
installKeyboard();
syncAddressBar();
startEmbedApi();
onExportedWeights((which, bytes) => {
  const name = which === 'initial-policy' ? 'policy-init' : which === 'reference' ? 'reference' : which.adapters ? `adapter_model-run${which.run + 1}` : `policy-run${which.run + 1}`;
  saveFile(`${name}.safetensors`, new Blob([bytes]));
});
