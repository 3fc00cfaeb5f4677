/** Entry point: render the lab and start the training worker. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectEngine, onWorkerEvent, setView } from './state/actions';
import { App } from './ui/App';
import { installKeyboard } from './ui/keyboard';
import { startWorkerEngine } from './worker/client';
import './ui/styles.css';

if (window.matchMedia?.('(prefers-color-scheme: dark)').matches) setView({ theme: 'dark' });
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
installKeyboard();
connectEngine(startWorkerEngine(onWorkerEvent));
