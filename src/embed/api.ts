/**
 * The embed's postMessage API, for the page that hosts the lab in an iframe.
 *
 * Events (lab -> host), each `{ source: 'dpo-ipo-lab', version: 1, type, ... }`:
 *   ready    { state: <link hash> }                       once, when the lab can take commands
 *   progress { step, steps, stepsPerSecond, runs }          a few times a second while training
 *   done     { step, runs: [{ label, loss_type, beta, lr, optimizer, status, verdict, final: { <metric>: value } }] }
 *   resize   { height }                                     the content's height (not the frame's), to size the iframe
 *   error    { message }                                    a command was refused
 * Commands (host -> lab):
 *   { type: 'run' } | { type: 'pause' } | { type: 'reset' }
 *   { type: 'setState', link: '<teaching link or its hash>' }
 *   { type: 'setState', experiment: { ...experiment JSON, as for --config } }
 *
 * Every message is checked against a schema; messages not from the parent
 * window (or, with `origin=` in the link, not from that origin), of unknown
 * type, malformed, or larger than MAX_MESSAGE (measured on what arrived,
 * binary data included) are ignored. Commands are paced (pacer.ts): bursts
 * of setState coalesce to the last, reloads run at most once a frame.
 * An `origin=` that is not an origin turns messaging off both ways.
 */
import { z } from 'zod';
import { pause, reset, run } from '../state/actions';
import { notify } from '../state/notices';
import { encodeLink } from '../state/link';
import { linkStateOf } from '../state/share';
import { labStore, type LabState } from '../state/store';
import { formatValue } from '../charts/format';
import { KL_METRIC, SCALAR_METRICS } from '../train/metrics';
import { resultsJson } from '../train/results';
import { runVerdict, verdictText } from '../train/verdict';
import { originFlag } from '../state/origin';
import { createPacer } from './pacer';
import { prepareSetState } from './setState';
import { structuredSize } from './size';

export const EMBED_SOURCE = 'dpo-ipo-lab';
export const EMBED_VERSION = 1;
const MAX_MESSAGE = 200_000;
const PROGRESS_MS = 250;
/** Reloads (setState, reset) applied per second at most; more coalesce to the last. */
const RELOADS_PER_SECOND = 4;
/** Messages looked at per second at most: beyond, they are dropped before any parsing. */
const MESSAGES_PER_SECOND = 200;

const CommandSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('run') }),
  z.object({ type: z.literal('pause') }),
  z.object({ type: z.literal('reset') }),
  z
    .object({ type: z.literal('setState'), link: z.string().max(MAX_MESSAGE).optional(), experiment: z.record(z.string(), z.unknown()).optional() })
    .refine((c) => (c.link === undefined) !== (c.experiment === undefined), 'setState takes either link or experiment'),
]);
export type EmbedCommand = z.infer<typeof CommandSchema>;

export function parseCommand(data: unknown): EmbedCommand | null {
  try {
    if (typeof data !== 'object' || data === null || structuredSize(data, MAX_MESSAGE) > MAX_MESSAGE) return null;
    const r = CommandSchema.safeParse(data);
    return r.success ? r.data : null;
  } catch {
    return null; // getters that throw, revoked proxies: not a command
  }
}

function finalMetrics(s: LabState, withVerdicts = false) {
  return resultsJson(s.experiment, s.series, s.training.backend?.active ?? '').runs.map(({ metrics, ...run }, i) => ({
    ...run,
    ...(withVerdicts && { verdict: verdictOf(s, i) }),
    final: Object.fromEntries([...SCALAR_METRICS, ...Object.keys(metrics).filter((k) => k.startsWith('h/') || k === KL_METRIC)].map((m) => [m, metrics[m]?.at(-1) ?? null])),
  }));
}

/** The run's one-line verdict, as the embed shows it (null under 5 steps). */
function verdictOf(s: LabState, i: number): string | null {
  const v = s.series[i] && runVerdict(s.experiment.runs[i]!, s.series[i]!, s.experiment.granularity);
  return v ? verdictText(v, formatValue) : null;
}

type Post = (type: string, body?: Record<string, unknown>) => void;

/** A command ready to run: setState already checked (refused ones never get here). */
interface Ready {
  type: EmbedCommand['type'];
  apply: () => void;
}

function prepare(cmd: EmbedCommand, post: Post): Ready | null {
  if (cmd.type === 'run') return { type: 'run', apply: run };
  if (cmd.type === 'pause') return { type: 'pause', apply: pause };
  if (cmd.type === 'reset') return { type: 'reset', apply: reset };
  const refuse = (problems: string[]) => post('error', { message: `setState refused: ${problems.slice(0, 3).join('; ')}` });
  const prepared = prepareSetState(cmd as Parameters<typeof prepareSetState>[0]);
  if ('problems' in prepared) {
    refuse(prepared.problems);
    return null;
  }
  return {
    type: 'setState',
    apply: () => {
      const problems = prepared.apply();
      if (problems.length > 0) refuse(problems);
    },
  };
}

/** Starts talking to the parent window. Returns a function that stops it. */
export function startEmbedApi(win: Window = window): () => void {
  const parent = win.parent;
  if (!parent || parent === win) return () => {};
  // the window's clock, not the global one: rates are per second of the window's time (tests drive it)
  const clock = () => win.performance.now();
  const allowed = labStore.getState().embed.parentOrigin;
  const asked = originFlag(win.location.href);
  if (asked !== null && allowed === null) {
    // The author meant to restrict messaging and the origin is unusable: talk to nobody (fail closed).
    notify('error', `Embed: origin=${JSON.stringify(asked.slice(0, 60))} is not an origin like https://blog.example, so this lab sends no messages to its page and takes no commands.`, 'dismissed');
    return () => {};
  }
  const post = (type: string, body: Record<string, unknown> = {}) => {
    try {
      parent.postMessage({ source: EMBED_SOURCE, version: EMBED_VERSION, type, ...body }, allowed ?? '*');
    } catch {
      // Never let a failed post escape into a store listener: it would stop the other listeners (the UI).
    }
  };
  let stopped = false;
  const pacer = createPacer<Ready>({
    apply: (cmd) => {
      if (stopped) return; // a frame that fires after stop() applies nothing
      try {
        cmd.apply();
      } catch (err) {
        post('error', { message: `${cmd.type} failed: ${(err as Error).message}` });
      }
    },
    kind: (cmd) => (cmd.type === 'setState' || cmd.type === 'reset' ? cmd.type : null),
    onThrottled: (message) => post('error', { message }),
    frame: (cb) => {
      let done = false;
      const once = () => void (done || ((done = true), cb()));
      win.requestAnimationFrame(once);
      win.setTimeout(once, 100); // hidden or off-screen frames get no animation frames
    },
    later: (cb, ms) => void win.setTimeout(cb, ms),
    now: clock,
    perSecond: RELOADS_PER_SECOND,
    maxQueue: 16,
  });

  let windowStart = 0;
  let seen = 0;
  let told = false;
  // Over the rate, messages are not even parsed; the last one is kept (unparsed) and handled
  // when the second is over, so a burst still ends on the state the host sent last.
  let held: { data: unknown } | null = null;
  const handle = (data: unknown) => {
    const cmd = parseCommand(data);
    const r = cmd && prepare(cmd, post);
    if (r) pacer.push(r);
  };
  const onMessage = (e: MessageEvent) => {
    if (e.source !== parent || (allowed !== null && e.origin !== allowed)) return;
    const now = clock();
    if (now - windowStart >= 1000) {
      windowStart = now;
      seen = 0;
      told = false;
    }
    if (++seen > MESSAGES_PER_SECOND) {
      if (!told) post('error', { message: `messages beyond ${MESSAGES_PER_SECOND} a second are ignored (the last of them is handled when the second is over)` });
      told = true;
      if (held === null) {
        win.setTimeout(() => {
          const last = held!;
          held = null;
          if (!stopped) handle(last.data);
        }, windowStart + 1000 - now);
      }
      held = { data: e.data };
      return;
    }
    handle(e.data);
  };
  win.addEventListener('message', onMessage);

  let lastProgress = 0;
  let ready = false;
  const unsubscribe = labStore.subscribe((s, prev) => {
    if (!ready && s.training.state === 'idle' && s.training.backend) {
      ready = true;
      post('ready', { state: encodeLink(linkStateOf(s)) });
    }
    if (s.training.state === 'running' && s.series !== prev.series && clock() - lastProgress > PROGRESS_MS) {
      lastProgress = clock();
      post('progress', {
        step: s.training.step, steps: s.experiment.steps, stepsPerSecond: s.training.stepsPerSecond,
        runs: finalMetrics(s).map((r) => ({ label: r.label, status: r.status, loss: r.final.loss, pi_rej: r.final.pi_rej, sigma_margin: r.final.sigma_margin })),
      });
    }
    if (s.training.state === 'done' && prev.training.state !== 'done') post('done', { step: s.training.step, runs: finalMetrics(s, true) });
  });

  // The content's height, not the document's: documentElement.scrollHeight is never less than the frame's
  // own height, so a frame sized 640 for 431 of content was told 640 again and never shrank.
  let lastHeight = 0;
  const resize = new ResizeObserver(() => {
    const height = Math.ceil(win.document.body.getBoundingClientRect().height);
    if (height > 0 && height !== lastHeight) post('resize', { height: (lastHeight = height) });
  });
  resize.observe(win.document.body);

  return () => {
    stopped = true;
    win.removeEventListener('message', onMessage);
    unsubscribe();
    resize.disconnect();
  };
}
