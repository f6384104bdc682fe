import type { OutputChunk } from '../ports/remote.ts';
import type { WaitProgress, WaitReport } from '../ports/events.ts';
import { parseProgressMark } from '../plan/progress-mark.ts';
import type { EngineDeps } from './engine-deps.ts';
import { notify } from './notify.ts';

/** Turns a step's waits into `step.progress` events, few enough for the event stream and the chat. */
export interface ProgressReporter {
  /** A program's wait: one observation (sent unless one of the same wait went out less than the interval ago). */
  report(w: WaitReport): Promise<void>;
  /** A command's output as it arrives: its `##progress` lines are reports of the host's wait. */
  onOutput(chunk: OutputChunk): void;
  /** The step's sending ended: every wait not reported done is reported done with its last value. */
  finish(): Promise<void>;
}

/** At most one event per wait this often (a wait's first and last reports always go out). */
export const PROGRESS_EVERY_MS = 5000;

/** A line longer than this without a newline is not a progress line: it is dropped rather than buffered. */
const MAX_LINE = 4096;

interface WaitState {
  lastSentAt: number;
  last: WaitProgress;
  done: boolean;
}

/**
 * A step's progress reporter. Progress is not audited and not recorded in the run (the audit trail and the run
 * record stay bounded however long a wait lasts): it goes to the event sink only, throttled per wait to one event
 * every `everyMs`, and a failure to emit it is logged, never the step's failure.
 */
export function progressReporter(
  deps: Pick<EngineDeps, 'events' | 'audit' | 'clock' | 'log'>,
  head: { readonly site: string; readonly runId: string },
  stepId: string,
  opts: { readonly everyMs?: number; readonly redact?: (text: string) => string } = {},
): ProgressReporter {
  const everyMs = opts.everyMs ?? PROGRESS_EVERY_MS;
  const redact = opts.redact ?? ((t: string) => t);
  const began = deps.clock.now();
  const waits = new Map<string, WaitState>();
  const partial = new Map<string, string>();
  let chain: Promise<void> = Promise.resolve();

  const send = (w: WaitProgress): Promise<void> => {
    chain = chain.then(() =>
      notify(deps, head, { type: 'step.progress', stepId, ...w }).catch((e: unknown) =>
        deps.log.warn({ ...head, stepId, err: String(e) }, 'progress event not emitted'),
      ),
    );
    return chain;
  };

  const report = (r: WaitReport): Promise<void> => {
    const now = deps.clock.now();
    const key = `${r.target ?? ''}\u0000${r.awaited}`;
    const w: WaitProgress = {
      awaited: r.awaited,
      lastValue: redact(r.lastValue),
      elapsedMs: r.elapsedMs ?? now - began,
      ...(r.target === undefined ? {} : { target: r.target }),
      ...(r.done === true ? { done: true } : {}),
    };
    const state = waits.get(key);
    if (state !== undefined && !state.done && r.done !== true && now - state.lastSentAt < everyMs) {
      state.last = w;
      return chain;
    }
    waits.set(key, { lastSentAt: now, last: w, done: r.done === true });
    return send(w);
  };

  const onOutput = (chunk: OutputChunk): void => {
    const key = `${chunk.host}\u0000${chunk.stream}`;
    const lines = `${partial.get(key) ?? ''}${chunk.text}`.split(/\r\n|\r|\n/);
    const rest = lines.pop() ?? '';
    partial.set(key, rest.length > MAX_LINE ? '' : rest);
    for (const line of lines) {
      const mark = parseProgressMark(line);
      if (mark !== undefined) void report({ awaited: mark.awaited, lastValue: mark.value, target: chunk.host });
    }
  };

  const finish = async (): Promise<void> => {
    for (const [key, state] of waits) {
      if (state.done) continue;
      waits.set(key, { ...state, done: true });
      void send({ ...state.last, done: true });
    }
    await chain;
  };

  return { report, onOutput, finish };
}
