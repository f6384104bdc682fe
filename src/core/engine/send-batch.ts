import type { CommandRequest, HostListOutcome, HostOutcome, ListOutcome, RemoteSession } from '../ports/remote.ts';
import { stdinText } from '../plan/describe-command.ts';
import type { BatchMember } from './batch-group.ts';

/**
 * Sends every member's commands as one list per host (in plan order) and hands each member back its own
 * outcomes, one per command in the step's order. A command with stdin goes over a channel of its own at the same
 * time (they only read). A batch that could not start at all gives each of its commands that error; a command
 * after a broken batch never ran, which is that command's error.
 */
export async function sendBatch(
  remote: RemoteSession,
  fanOutBatch: NonNullable<RemoteSession['fanOutBatch']>,
  members: readonly BatchMember[],
  secrets: ReadonlyMap<string, ReadonlyMap<string, string>>,
): Promise<HostOutcome[][]> {
  const lists = new Map<string, { member: number; req: CommandRequest }[]>();
  const byMember = members.map(() => new Map<string, HostOutcome>());
  const alone: Promise<void>[] = [];
  for (const [member, m] of members.entries()) {
    const withStdin = m.step.commands.filter((c) => c.stdin !== undefined);
    if (withStdin.length > 0) {
      const values = secrets.get(m.step.id) ?? new Map<string, string>();
      const byHost = new Map(withStdin.map((c) => [c.host, c]));
      const request = (host: string): CommandRequest => {
        const c = byHost.get(host);
        const stdin = c === undefined ? undefined : stdinText(c, values);
        return {
          command: c?.command ?? 'false',
          ...(c?.timeoutMs ? { timeoutMs: c.timeoutMs } : {}),
          ...(stdin !== undefined ? { stdin } : {}),
        };
      };
      alone.push(
        remote
          .fanOut([...byHost.keys()], request)
          .then((outs) => outs.forEach((o) => byMember[member]?.set(o.host, o)))
          .catch((e: unknown) => {
            const error = e instanceof Error ? e : new Error(String(e));
            for (const host of byHost.keys()) byMember[member]?.set(host, { host, status: 'error', error });
          }),
      );
    }
    for (const c of m.step.commands) {
      if (c.stdin !== undefined) continue;
      const req = { command: c.command, ...(c.timeoutMs ? { timeoutMs: c.timeoutMs } : {}) };
      lists.set(c.host, [...(lists.get(c.host) ?? []), { member, req }]);
    }
  }
  const hosts = [...lists.keys()];
  const limits = members.flatMap((m) => (m.step.targets.kind === 'hosts' ? (m.step.targets.concurrency ?? []) : []));
  let results: readonly HostListOutcome[] = [];
  try {
    if (hosts.length > 0)
      results = await fanOutBatch(hosts, (h) => (lists.get(h) ?? []).map((x) => x.req), {
        ...(limits.length > 0 ? { concurrency: Math.min(...limits) } : {}),
      });
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    results = hosts.map((host) => ({
      host,
      outcomes: (lists.get(host) ?? []).map((x): ListOutcome => ({ command: x.req.command, status: 'error', error })),
    }));
  }
  await Promise.all(alone);
  for (const r of results) {
    const list = lists.get(r.host) ?? [];
    r.outcomes.forEach((o, k) => {
      const member = list[k]?.member;
      if (member !== undefined) byMember[member]?.set(r.host, hostOutcome(r.host, o));
    });
  }
  return members.map((m, i) =>
    m.step.commands.map(
      (c) => byMember[i]?.get(c.host) ?? { host: c.host, status: 'error', error: new Error('no outcome came back') },
    ),
  );
}

function hostOutcome(host: string, o: ListOutcome): HostOutcome {
  if (o.status === 'done') return { host, status: 'done', result: o.result };
  if (o.status === 'error') return { host, status: 'error', error: o.error };
  return { host, status: 'error', error: new Error("not run: the host's batch broke at an earlier command") };
}
