import type { EngineEvent } from '../../core/ports/events.ts';
import type { GateView, RunSummary, StepResultView } from '../../core/ports/views.ts';
import { LIMITS, fallbackText, mention, safeText, truncate } from './block-limits.ts';
import { section, type SlackMessage } from './blocks.ts';
import { fitBlocks, packLines } from './fit-blocks.ts';
import { CHOICE_PAST, RUN_STATE_LABEL, STEP_STATE_LABEL, formatDuration, spanOf } from './format.ts';
import { renderGate } from './render-gate.ts';
import { renderStepReply } from './render-step-reply.ts';
import { applyEvent, newRunThreadState } from './run-thread-state.ts';

/** Most messages one `/show` answers with (a response URL takes five). */
const MAX_MESSAGES = 4;

/**
 * `/show <run> [step]` as private messages: the run's events replayed as its thread would draw them, but in full.
 * For one step, each of its results (every attempt) with every host, command, tail and check that held, and its
 * gates; for a whole run, one message with every step and every check, as much as fits, pointing at
 * `/show <run> <step>` and the files in the thread for the rest.
 */
export function renderShow(run: RunSummary, events: readonly EngineEvent[], stepId?: string): SlackMessage[] {
  const results: StepResultView[] = [];
  const gates = new Map<string, GateView>();
  const first = events[0];
  if (first !== undefined) {
    const state = newRunThreadState(first);
    for (const e of events) {
      const effect = applyEvent(state, e);
      if (effect.kind === 'step-reply') results.push(effect.result);
      if (effect.kind === 'gate-posted' || effect.kind === 'gate-changed') gates.set(effect.gate.id, effect.gate);
    }
  }
  const head = `*Record of run \`${safeText(run.id, 80)}\`* at ${safeText(run.site, 40)}: ${safeText(run.title, 300)} · ${RUN_STATE_LABEL[run.state]}`;
  if (events.length === 0)
    return [
      one(
        `${head}\nNo event of this run is left on its site's stream; \`/audit ${safeText(run.id, 80)}\` uploads its audit record.`,
      ),
    ];
  if (stepId !== undefined) {
    const mine = results.filter((r) => r.step.id === stepId).map((r) => renderStepReply(r, { verbose: true }));
    const itsGates = [...gates.values()].filter((g) => g.stepId === stepId).map(renderGate);
    const all = [...mine, ...itsGates];
    const messages = all.slice(-MAX_MESSAGES);
    if (all.length > messages.length)
      messages.unshift(one(`${head}\nThe last ${messages.length} of ${all.length} results and gates of this step.`));
    return messages.length > 0 ? messages : [one(`${head}\nStep ${safeText(stepId, 64)} has not finished yet.`)];
  }
  return [wholeRun(head, run, results, [...gates.values()])];
}

/** Every step's result with every check, then the gates and their answers, as much as fits in one message. */
function wholeRun(
  head: string,
  run: RunSummary,
  results: readonly StepResultView[],
  gates: readonly GateView[],
): SlackMessage {
  const lines = results.flatMap((r) => {
    const s = r.step;
    const hosts = r.hosts.map(
      (h) =>
        `    ${safeText(h.host, 60)} · ${h.error !== undefined ? safeText(h.error, 200) : h.sql !== undefined ? 'SQL' : `exit ${h.exitCode ?? 'none'}`} · ${formatDuration(h.durationMs)}`,
    );
    const checks = (r.findings ?? [])
      .slice(0, 60)
      .map(
        (f) =>
          `    ${f.status === 'pass' ? ':white_check_mark:' : f.status === 'fail' ? ':x:' : `[${f.status}]`} ${safeText(f.title, 200)}${f.host ? ` on ${safeText(f.host, 60)}` : ''}: ${safeText(f.evidence, 300)}`,
      );
    const more = (r.findings ?? []).length > 60 ? [`    … ${(r.findings ?? []).length - 60} more checks`] : [];
    return [
      `${STEP_STATE_LABEL[s.state]} *${safeText(s.title, 200)}* \`${safeText(s.id, 64)}\` · ${formatDuration(spanOf(s.startedAt, s.finishedAt))}${r.summary ? ` · ${safeText(r.summary, 300)}` : ''}`,
      ...hosts,
      ...checks,
      ...more,
    ];
  });
  const gateLines = gates.map(
    (g) =>
      `:lock: ${safeText(g.kind, 20)} gate of \`${safeText(g.stepId, 64)}\`: ${g.decision ? `${CHOICE_PAST[g.decision.choice]} by ${mention(g.decision.by)}` : g.status}`,
  );
  const fitted = fitBlocks({
    head: [section(truncate(head, LIMITS.sectionText))],
    body: packLines([...lines, ...gateLines]).sections,
    more: () =>
      `… more not shown: \`/show ${safeText(run.id, 80)} &lt;step&gt;\` shows one step in full; the thread holds every output as a file`,
  });
  return { text: fallbackText(`Record of run ${run.id}`), blocks: fitted.blocks, truncated: fitted.truncated };
}

function one(text: string): SlackMessage {
  return { text: fallbackText(text), blocks: [section(truncate(text, LIMITS.sectionText))], truncated: false };
}
