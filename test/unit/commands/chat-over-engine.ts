import { z } from 'zod';
import { renderReply } from '../../../src/adapters/console/render-reply.ts';
import { dispatchCommand } from '../../../src/commands/dispatch-command.ts';
import { DEFAULT_COMMAND_RUNBOOKS } from '../../../src/core/engine/command-runbooks.ts';
import { createChatEngine } from '../../../src/core/engine/create-chat-engine.ts';
import type { CommandDeps, CommandReply } from '../../../src/core/ports/chat-engine.ts';
import { defineRunbook } from '../../../src/core/ports/runbook.ts';
import type { Persistence } from '../../../src/core/ports/store-persistence.ts';
import { siteDirectory, type Site } from '../../../src/core/sites/site.ts';
import { shellQuote } from '../../../src/core/shell-quote.ts';
import { APPROVER, BASE, harness, HOST, labSite, REQUESTER } from '../core/engine/harness.ts';

const DIR = `${BASE}/data`;
const BAK = `${BASE}/data_bak`;
const on = (command: string) => [{ host: HOST, command }];
const targets = { kind: 'hosts' as const, hosts: [HOST] };

/** A look at the directory, then its move behind a gate: nothing changes on the site before that gate. */
const oneMove = defineRunbook({
  id: 'one-move',
  title: 'Move a directory aside',
  args: z.object({}),
  build: (site) => ({
    runbook: 'one-move',
    site: site.name,
    title: `Move ${DIR} aside`,
    steps: [
      { kind: 'check', id: 'look', title: `${DIR} is there`, targets, commands: on(`ls -ld ${shellQuote(DIR)}`) },
      {
        kind: 'action',
        id: 'move',
        title: `Move ${DIR} to ${BAK}`,
        targets,
        destructive: true,
        gate: { prompt: `Move ${DIR} aside?` },
        preconditions: [
          { kind: 'path-exists', path: DIR },
          { kind: 'path-absent', path: BAK },
        ],
        commands: on(`mv ${shellQuote(DIR)} ${shellQuote(BAK)}`),
        verify: [{ kind: 'path-exists', path: BAK }],
        rollback: {
          steps: [
            {
              kind: 'action',
              id: 'unmove',
              title: `Move ${BAK} back`,
              targets,
              destructive: true,
              commands: on(`mv ${shellQuote(BAK)} ${shellQuote(DIR)}`),
              verify: [{ kind: 'path-exists', path: DIR }],
            },
          ],
        },
      },
    ],
  }),
});

/** A precheck that only looks. */
const lookOnly = defineRunbook({
  id: 'look-only',
  title: 'Look',
  args: z.object({}),
  build: (site) => ({
    runbook: 'look-only',
    site: site.name,
    title: 'Look at the site',
    steps: [
      { kind: 'check', id: 'look', title: `${DIR} is there`, targets, commands: on(`ls -ld ${shellQuote(DIR)}`) },
    ],
  }),
});

/**
 * The command handlers over the real engine on in-memory fakes, as a person in the lab site's channel uses them:
 * `/upgrade lab redis` runs lab-move-dir (or one-move with `upgrade: 'one-move'`), `/precheck lab` a check-only
 * runbook. `persistence` is what the run store's server says, changeable between commands.
 */
export function chatOverEngine(opts: { readonly upgrade?: 'lab-move-dir' | 'one-move' } = {}) {
  const h = harness({ runbooks: [oneMove, lookOnly] });
  const site: Site = { ...labSite, starters: { users: [REQUESTER], groups: [] } };
  const store = { persistence: 'aof' as Persistence, reads: 0 };
  const chat = createChatEngine({
    engine: h.engine,
    gates: h.gates,
    audit: h.audit,
    sites: siteDirectory([site]),
    runbooks: { ...DEFAULT_COMMAND_RUNBOOKS, 'upgrade redis': opts.upgrade ?? 'lab-move-dir', precheck: 'look-only' },
    persistence: { read: async () => (store.reads++, store.persistence) },
    events: h.events,
  });
  const deps: CommandDeps = { engine: chat, sites: [site], runIdPattern: /^run_\d+$/ };
  /** Types a command as `user` in the site's channel; the reply as the handler gives it. */
  const type = (line: string, user = REQUESTER): Promise<CommandReply> =>
    dispatchCommand(deps, { user, channel: site.channel }, line);
  /** What the console shows for a reply. */
  const shown = (reply: CommandReply): string => renderReply(reply).join('\n');
  /** Starts `/upgrade lab redis` and carries it to its first stop; its run id. */
  const upgrade = async (): Promise<string> => {
    const reply = await type('/upgrade lab redis');
    if (reply.kind !== 'accepted' || reply.runId === undefined) throw new Error(shown(reply));
    await h.drain();
    return reply.runId;
  };
  const approve = async () => (await h.decide(h.lastGate(), 'approve', APPROVER), await h.drain());
  const reject = async () => (await h.decide(h.lastGate(), 'reject', APPROVER), await h.drain());
  return { h, chat, store, site, type, shown, upgrade, approve, reject, DIR, BAK };
}
