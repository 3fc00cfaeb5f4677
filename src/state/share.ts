/** The store as a teaching link and back: booting from the URL, the share link, the embed snippet. */
import { reloadExperiment, setExperiment } from './actions';
import { endNotices, notify } from './notices';
import { decodeLink, encodeLink } from './link';
import { defaultView, type LinkState } from './linkState';
import { initialState, labStore, type LabState } from './store';

export function linkStateOf(s: LabState): LinkState {
  return { experiment: s.experiment, presetId: s.presetId, basePresetId: s.basePresetId, backend: s.training.backendChoice, view: s.view, embed: s.embed };
}

/** The page's address with this state in its hash. */
export function shareUrl(s: LabState, base: string, embed: Partial<LinkState['embed']> = {}): string {
  const url = base.split('#')[0]!;
  return `${url}#${encodeLink({ ...linkStateOf(s), embed: { ...s.embed, ...embed } })}`;
}

/** The snippet a blog author pastes: an iframe of this experiment in embed mode. */
export function embedSnippet(s: LabState, base: string, opts: { autoplay: boolean; controls: boolean; height: number }): string {
  const src = shareUrl(s, base, { on: true, autoplay: opts.autoplay, controls: opts.controls });
  const esc = src.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return `<iframe src="${esc}" title="DPO/IPO Lab" width="100%" height="${opts.height}" style="border:0;max-width:100%" loading="lazy" allow="clipboard-write"></iframe>`;
}

/** First state of the page, from its address. Notices say what the link got wrong. */
export function bootFromUrl(href: string): void {
  const { state, notices } = decodeLink(href);
  labStore.setState(initialState(state), true);
  for (const n of notices) notify('info', `Link: ${n}.`, 'dismissed');
}

/** Replaces the whole experiment and view (postMessage setState, pasted links). */
export function applyLinkState(link: LinkState, notices: string[] = []): void {
  // The language stays as it is unless the new link names one.
  labStore.setState((s) => ({ experiment: link.experiment, presetId: link.presetId, basePresetId: link.basePresetId, view: { ...defaultView(link.experiment.runs), ...link.view, lang: link.view.lang ?? s.view.lang }, embed: s.embed }));
  endNotices('dismissed'); // said of the link this one replaces
  for (const n of notices) notify('info', `Link: ${n}.`, 'dismissed');
  reloadExperiment();
}

/** Validates an experiment given as JSON (the embed API); returns the problems, or [] when applied. */
export function applyExperimentJson(input: unknown): string[] {
  return setExperiment(input, null, null);
}

/** Keeps the address bar on the current state (debounced), so copying it shares exactly what you see. */
export function syncAddressBar(win: Window = window): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let last = '';
  return labStore.subscribe((s, prev) => {
    if (s.experiment === prev.experiment && s.view === prev.view && s.presetId === prev.presetId && s.basePresetId === prev.basePresetId && s.training.backendChoice === prev.training.backendChoice) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      const url = shareUrl(s, win.location.href);
      if (url !== last) win.history.replaceState(null, '', url);
      last = url;
    }, 300);
  });
}
