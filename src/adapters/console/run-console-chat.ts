import { createInterface } from 'node:readline';
import type { EventSource } from '../../core/ports/event-source.ts';
import type { PendingGate } from '../../core/engine/pending-gates.ts';
import { channelForCommand } from '../../commands/channel-for-command.ts';
import { shortHash } from '../../commands/action-ref.ts';
import { USAGE } from '../../commands/command.ts';
import { dispatchCommand } from '../../commands/dispatch-command.ts';
import { parseCommand } from '../../commands/parse-command.ts';
import type { ChatEngine } from '../../core/ports/chat-engine.ts';
import type { Site } from '../../core/sites/site.ts';
import { describeError } from '../../core/opsgate-error.ts';
import type { EngineEvent } from '../../core/ports/events.ts';
import type { GateChoice } from '../../core/ports/gates.ts';
import { GateNumbers, parseGateAnswer } from './gate-numbers.ts';
import { CompactRunView } from './compact-run-view.ts';
import { renderReply } from './render-reply.ts';
import { saveAttachments } from './save-attachments.ts';
import type { ChartRenderer } from '../../core/ports/chart-renderer.ts';
import { fitWidth } from './fit-width.ts';
import { ProgressView } from './progress-view.ts';

export interface ConsoleChatDeps {
  readonly chat: ChatEngine;
  readonly events: EventSource;
  readonly sites: readonly Site[];
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream & { readonly isTTY?: boolean; readonly columns?: number };
  /** Who the console acts as at first (`/as` switches). */
  readonly user: string;
  /** Gates already waiting when the console starts (e.g. left by `opsgate run`): shown first, numbered too. */
  readonly pendingGates?: () => Promise<readonly PendingGate[]>;
  /** Where finding attachments are written (`<dir>/<run>/<name>`); without it they are only listed as findings. */
  readonly artefactsDir?: string;
  /** Where the event streams are (`Redis at host:port`), for messages; never a password. */
  readonly redisWhere?: string;
  /** Draws the charts steps attach data for, written as PNG files beside the attachments. */
  readonly charts?: ChartRenderer;
}

/** The width option, only when known. */
const widthOpt = (w: number | undefined): { width?: number } => (w === undefined ? {} : { width: w });

/** Why the events cannot be read, in words (ioredis's own for a lost connection names its option instead). */
function readFault(e: unknown): string {
  return e instanceof Error && e.name === 'MaxRetriesPerRequestError'
    ? 'no answer: the connection is lost'
    : describeError(e);
}

const HELP = [
  'commands (the same grammar as Slack):',
  ...Object.values(USAGE).map((u) => `  ${u}`),
  '  N CHOICE        answer gate N, e.g. "1 approve", "1 reject", "2 done"',
  '  /help, /quit',
];

/**
 * The interactive console chat (like Hubot's shell adapter): reads command lines, runs them through the same
 * handlers as Slack (each acting in its site's channel), switches user with `/as`, numbers every gate it shows
 * and takes `N choice` answers through the same decision path as a button. Every run's thread is printed as
 * its events arrive on the sites' event streams, so runs worked by a worker in another process show up too.
 * Resolves when the input ends or `/quit` is typed.
 */
export async function runConsoleChat(deps: ConsoleChatDeps): Promise<void> {
  let user = deps.user;
  const where = deps.redisWhere ?? 'Redis';
  const gates = new GateNumbers();
  const view = new CompactRunView();
  // Lines are wrapped to a terminal's width (read each time: it changes when the window does).
  const width = (): number | undefined => (deps.output.isTTY === true ? deps.output.columns : undefined);
  const rl = createInterface({ input: deps.input, output: deps.output, terminal: deps.output.isTTY === true });
  const print = (lines: readonly string[]): void => {
    if (lines.length === 0) return;
    progress.interrupt();
    if (deps.output.isTTY === true) deps.output.write('\r\x1b[K');
    deps.output.write(`${lines.join('\n')}\n`);
    if (deps.output.isTTY === true) rl.prompt(true);
  };
  // Long waits: one line redrawn above the prompt in a terminal, a few plain lines otherwise.
  const progress = new ProgressView(
    {
      write: (t) => void deps.output.write(t),
      isTTY: deps.output.isTTY === true,
      get columns() {
        return deps.output.columns ?? 80;
      },
    },
    { plain: (line) => print([line]), ...(deps.output.isTTY === true ? { redrawPrompt: () => rl.prompt(true) } : {}) },
  );
  const prompt = (): void => {
    rl.setPrompt(`${user}> `);
    rl.prompt();
  };

  const onEvent = (e: EngineEvent): void => {
    if (e.type === 'step.progress') {
      progress.show(e);
      return;
    }
    if (e.type === 'gate.opened') {
      const g = e.gate;
      gates.add({
        gateId: g.id,
        site: g.site,
        runId: g.runId,
        stepId: g.stepId,
        planHash: g.planHash,
        choices: g.choices,
      });
    }
    const files = deps.artefactsDir === undefined ? [] : saveAttachments(e, deps.artefactsDir, deps.charts);
    print([
      ...view.render(e, { gateNumber: (id) => gates.numberOf(id), viewer: user, ...widthOpt(width()) }),
      ...files,
    ]);
  };

  let stopped = false;
  // From "now" by design (unlike Slack, no saved position): an interactive session shows what is waiting
  // (pending gates, below) and what happens next; `/runs` tells the rest.
  const starts = await Promise.all(deps.sites.map(async (s) => [s.name, await deps.events.latestId(s.name)] as const));
  const waiting = (await deps.pendingGates?.()) ?? [];
  if (waiting.length > 0) print([`${waiting.length} gate(s) waiting:`]);
  for (const { gate, context } of waiting)
    onEvent({ site: gate.site, runId: gate.runId, at: gate.openedAt, type: 'gate.opened', gate, context });
  // A lost Redis is said once per site, and its return too; the events emitted meanwhile are then shown.
  const follow = async (site: string, from: string): Promise<void> => {
    let after = from;
    let lost = false;
    while (!stopped) {
      try {
        const batch = await deps.events.read(site, after, { blockMs: 500, count: 100 });
        if (lost) print([`✔ the events of ${site} can be read again; following its runs from where they stopped`]);
        lost = false;
        for (const { id, event } of batch) {
          after = id;
          onEvent(event);
        }
      } catch (e) {
        if (stopped) return;
        if (!lost)
          print([`⚠ cannot read the events of ${site} from ${where}: ${readFault(e)}; trying again every second`]);
        lost = true;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  };
  const followers = Promise.all(starts.map(([site, from]) => follow(site, from)));

  const answer = async (n: number, choice: string): Promise<string[]> => {
    const gate = gates.get(n);
    if (gate === undefined) return [`✘ there is no gate ${n} (gates are numbered as they are shown)`];
    if (!(gate.choices as readonly string[]).includes(choice)) return [`✘ gate ${n} takes: ${gate.choices.join(', ')}`];
    const channel = deps.sites.find((s) => s.name === gate.site)?.channel ?? '';
    const r = await deps.chat.decide({
      gateId: gate.gateId,
      planHash: shortHash(gate.planHash),
      choice: choice as GateChoice,
      user,
      userGroups: [],
      channel,
    });
    if (!r.ok) return [`✘ ${choice} refused: ${r.error.message}`];
    return [
      r.value.status === 'decided'
        ? `✔ gate ${n}: ${choice} by ${user}`
        : `✔ gate ${n}: approval by ${user} recorded; more are needed`,
    ];
  };

  const handle = async (line: string): Promise<'quit' | undefined> => {
    const text = line.trim();
    if (text === '') return undefined;
    if (text === '/quit' || text === '/exit') return 'quit';
    if (text === '/help') {
      print(HELP);
      return undefined;
    }
    const gateAnswer = parseGateAnswer(text);
    if (gateAnswer !== undefined) {
      print(await answer(gateAnswer.n, gateAnswer.choice));
      return undefined;
    }
    const parsed = parseCommand(text, { sites: deps.sites, console: true });
    if (!parsed.ok) {
      print([`✘ ${parsed.error.message}`]);
      return undefined;
    }
    const channel = await channelForCommand(parsed.value, deps.sites, async (id) => (await deps.chat.getRun(id))?.site);
    if (!channel.ok) {
      print([`✘ ${channel.error}`]);
      return undefined;
    }
    const reply = await dispatchCommand(
      { engine: deps.chat, sites: deps.sites },
      { user, channel: channel.value },
      text,
      { console: true },
    );
    if (reply.kind === 'switch-user') user = reply.user;
    print(fitWidth(renderReply(reply), width()));
    return undefined;
  };

  print([`opsgate console: acting as ${user}; sites ${deps.sites.map((s) => s.name).join(', ')}; /help for commands`]);
  prompt();
  await new Promise<void>((resolve) => {
    let chain = Promise.resolve();
    let quitting = false;
    rl.on('line', (line) => {
      chain = chain.then(async () => {
        if (quitting) return;
        try {
          if ((await handle(line)) === 'quit') {
            quitting = true;
            rl.close();
            return;
          }
        } catch (e) {
          print([`✘ ${describeError(e)}`]);
        }
        prompt();
      });
    });
    rl.once('close', () => void chain.then(resolve));
  });
  stopped = true;
  await followers;
}
