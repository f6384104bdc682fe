import { mayDecideNow } from '../../approvals/may-decide-now.ts';
import { checkDecider } from '../../commands/check-decider.ts';
import type { GateActionDeps } from '../../commands/gate-action-handler.ts';
import { describeError } from '../../core/opsgate-error.ts';
import { isActiveRunState } from '../../core/ports/views.ts';
import type { AppLog } from './app-log.ts';
import { renderHome, type HomePage } from './render-home.ts';

/** What the Home tab needs: the handlers' dependencies, who is in a channel, and views.publish. */
export interface HomeTabDeps {
  readonly deps: Pick<GateActionDeps, 'engine' | 'sites' | 'groupsOf' | 'vetUser'>;
  /** Members of a channel (conversations.members, cached); throws when Slack cannot tell. */
  readonly membersOf: (channel: string) => Promise<ReadonlySet<string>>;
  /** views.publish of a Home view for a user; resolves with the view's id. */
  readonly publish: (user: string, view: HomePage['view']) => Promise<string | undefined>;
  readonly now: () => number;
  readonly log: AppLog;
  /** How many people's Home tabs are remembered (and refreshed on gate events) at most (default 200). */
  readonly maxViewers?: number;
  /** How long after opening Home a person's tab is still refreshed on gate events (default 24 h). */
  readonly recentMs?: number;
}

/** What a refresh shows besides the lists: a page, a sentence at the top. */
export interface HomeShowOptions {
  readonly page?: number;
  readonly note?: string;
  /** The person opened Home or clicked on it: their tab counts as recently seen. */
  readonly seen?: boolean;
}

/** How many gates offered on a person's tab are remembered (a late second click is then refused by the engine). */
const OFFERED_GATES = 200;

interface Viewer {
  viewId: string | undefined;
  /**
   * Gate id → the gate's site channel, for the gates whose buttons a page published to the person carried (the
   * latest last): a second click on a gate decided since is answered by the engine, as in the thread.
   */
  gates: ReadonlyMap<string, string>;
  page: number;
  /** The sites the page involves (their channel has the person, or a gate or a run of theirs is there). */
  sites: ReadonlySet<string>;
  seenAt: number;
}

/**
 * The people's Home tabs: renders and publishes a person's tab (`renderHome`), remembers which gates each
 * published tab offers (a click from Home counts only for a gate its tab showed, as a click in a thread counts
 * only on the gate's message), and refreshes the tabs of the people a gate concerns when it opens or closes.
 * Bounded: at most `maxViewers` people are remembered, and a person's refreshes are coalesced (one at a time, the
 * latest wins).
 */
export class HomeTab {
  private readonly viewers = new Map<string, Viewer>();
  private readonly queued = new Map<string, { opts: HomeShowOptions; notes: string[]; promise: Promise<void> }>();
  private readonly last = new Map<string, Promise<void>>();

  constructor(private readonly d: HomeTabDeps) {}

  /** Publishes the person's Home tab now (after any refresh of theirs in progress); never rejects. */
  show(user: string, opts: HomeShowOptions = {}): Promise<void> {
    const waiting = this.queued.get(user);
    if (waiting !== undefined) {
      waiting.opts = { ...waiting.opts, ...opts, seen: waiting.opts.seen === true || opts.seen === true };
      if (opts.note !== undefined) waiting.notes.push(opts.note);
      return waiting.promise;
    }
    const before = this.last.get(user) ?? Promise.resolve();
    const entry = { opts, notes: opts.note === undefined ? [] : [opts.note], promise: Promise.resolve() };
    entry.promise = before.then(() => {
      this.queued.delete(user);
      return this.render(user, entry.opts, entry.notes);
    });
    this.queued.set(user, entry);
    this.last.set(user, entry.promise);
    void entry.promise.then(() => {
      if (this.last.get(user) === entry.promise) this.last.delete(user);
    });
    return entry.promise;
  }

  /**
   * The site channel of a gate clicked on the person's Home tab (this view), or undefined when the click cannot
   * count. A gate this process offered on that tab has the channel recorded then (so a second click on a gate
   * decided since is answered by the engine, as in the thread). A tab published by another replica, or before a
   * restart, is not remembered here: a gate still pending then counts with its own site's channel, read from the
   * engine, never from the click, and the engine's checks decide as for any click. Anything else is refused.
   */
  async gateChannel(user: string, viewId: string, gateId: string): Promise<string | undefined> {
    const v = this.viewers.get(user);
    const remembered = v !== undefined && v.viewId === viewId ? v.gates.get(gateId) : undefined;
    if (remembered !== undefined) return remembered;
    const { sites, engine } = this.d.deps;
    const pending = await engine.pendingGates({ sites: sites.map((s) => s.name) });
    const site = pending.find((p) => p.gate.id === gateId)?.gate.site;
    return sites.find((s) => s.name === site)?.channel;
  }

  /**
   * Refreshes, after a gate opened or closed (or a run started or ended) at `site`, the tabs of the people it
   * concerns among those who opened Home recently: in the site's channel, may decide its gates, had the site on
   * their tab, or in `also` (the requester). Nobody else: a tab is rendered afresh whenever it is opened.
   */
  async refreshSite(site: string, also: readonly string[] = []): Promise<void> {
    const s = this.d.deps.sites.find((x) => x.name === site);
    if (s === undefined) return;
    const since = this.d.now() - (this.d.recentMs ?? 24 * 3_600_000);
    const concerned = async (user: string, v: Viewer): Promise<boolean> => {
      if (v.seenAt < since) return false;
      if (also.includes(user) || v.sites.has(site) || s.policy.approvers.includes(user)) return true;
      try {
        if ((await this.d.membersOf(s.channel)).has(user)) return true;
        return (await (this.d.deps.groupsOf?.(user, s.policy.approverGroups) ?? [])).length > 0;
      } catch {
        return false;
      }
    };
    const users: string[] = [];
    for (const [user, v] of [...this.viewers]) if (await concerned(user, v)) users.push(user);
    await Promise.all(users.map((u) => this.show(u)));
  }

  private async render(user: string, opts: HomeShowOptions, notes: string[]): Promise<void> {
    try {
      const { deps, now } = { deps: this.d.deps, now: this.d.now() };
      const names = deps.sites.map((s) => s.name);
      const channelOf = new Map(deps.sites.map((s) => [s.name, s.channel]));
      const memberOf = new Set<string>();
      let unreadable = 0;
      for (const s of deps.sites) {
        try {
          if ((await this.d.membersOf(s.channel)).has(user)) memberOf.add(s.name);
        } catch {
          unreadable++;
        }
      }
      if (unreadable > 0)
        notes.push("opsgate could not read who is in the sites' channels just now; active runs may be missing.");
      const [pending, runs] = await Promise.all([
        deps.engine.pendingGates({ sites: names }),
        deps.engine.listRuns({ sites: names }),
      ]);
      const candidates = [...new Set(pending.flatMap((p) => p.policy.approverGroups))];
      const decider = pending.length === 0 ? undefined : await checkDecider(deps, user, candidates);
      if (decider !== undefined && !decider.ok)
        notes.push(
          decider.error.kind === 'refused'
            ? decider.error.reason
            : 'opsgate could not check your account and user groups with Slack just now, so no gate is offered here; look again in a minute.',
        );
      const userGroups = decider?.ok === true ? decider.value : [];
      const decidable = decider?.ok === true ? pending.filter((p) => mayDecideNow(p, { user, userGroups }, now)) : [];
      const permalinks = new Map(runs.map((r) => [r.id, r.permalink]));
      const mine = runs.filter((r) => r.requester === user);
      const active = runs.filter((r) => isActiveRunState(r.state) && memberOf.has(r.site));
      const before = this.viewers.get(user);
      const page = renderHome({
        gates: decidable.map((p) => {
          const permalink = permalinks.get(p.gate.runId);
          return { gate: p.gate, ...(permalink === undefined ? {} : { permalink }) };
        }),
        mine,
        active,
        notes,
        page: opts.page ?? before?.page ?? 1,
        now,
      });
      const viewId = await this.d.publish(user, page.view);
      const gates = new Map(before?.viewId === viewId ? before?.gates : undefined);
      for (const p of decidable) {
        if (!page.gateIds.includes(p.gate.id)) continue;
        gates.delete(p.gate.id);
        gates.set(p.gate.id, channelOf.get(p.gate.site) ?? '');
      }
      for (const oldest of gates.keys()) {
        if (gates.size <= OFFERED_GATES) break;
        gates.delete(oldest);
      }
      this.remember(user, {
        viewId,
        gates,
        page: page.page,
        sites: new Set([...memberOf, ...decidable.map((p) => p.gate.site), ...mine.map((r) => r.site)]),
        seenAt: opts.seen === true ? now : (before?.seenAt ?? 0),
      });
    } catch (e) {
      this.d.log.warn({ err: describeError(e), user }, 'home tab not published');
    }
  }

  /** Keeps the most recently published `maxViewers` tabs. */
  private remember(user: string, v: Viewer): void {
    this.viewers.delete(user);
    this.viewers.set(user, v);
    const max = this.d.maxViewers ?? 200;
    for (const oldest of this.viewers.keys()) {
      if (this.viewers.size <= max) break;
      this.viewers.delete(oldest);
    }
  }
}
