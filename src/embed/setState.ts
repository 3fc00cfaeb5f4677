/**
 * The embed's setState, in two halves: checked when the message arrives (so
 * every bad one is refused at once, with its reason, even inside a burst),
 * applied later when the pacer lets it. Checking is cheap; applying reloads
 * the experiment, which is what a burst must not do a thousand times.
 */
import { decodeLink } from '../state/link';
import { applyExperimentJson, applyLinkState } from '../state/share';
import { labStore } from '../state/store';
import { validateData } from '../train/data';
import { describeIssues, ExperimentSchema } from '../train/experiment';

export type SetState = { link: string; experiment?: undefined } | { link?: undefined; experiment: Record<string, unknown> };

/** How to apply it (returning any problem found then), or why it is refused. */
export type Prepared = { apply: () => string[] } | { problems: string[] };

export function prepareSetState(cmd: SetState): Prepared {
  if (cmd.link !== undefined) {
    // A link with anything wrong is refused whole: decoding falls back to defaults, and a
    // damaged or hostile link from the host must not replace the reader's experiment.
    const { state, notices } = decodeLink(cmd.link);
    if (notices.length > 0) return { problems: notices };
    // The embed's own options (its origin, its mode) are the iframe's, never the host's.
    return { apply: () => (applyLinkState({ ...state, embed: labStore.getState().embed }), []) };
  }
  // The same checks setExperiment makes when it applies (it checks again then).
  const r = ExperimentSchema.safeParse(cmd.experiment);
  if (!r.success) return { problems: describeIssues(r.error) };
  const data = validateData(r.data.data, 32, r.data.granularity);
  if (data.length > 0) return { problems: data };
  const experiment = cmd.experiment;
  return { apply: () => applyExperimentJson(experiment) };
}
