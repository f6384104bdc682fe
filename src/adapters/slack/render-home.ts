import { shortHash } from '../../commands/action-ref.ts';
import type { GateView, RunSummary } from '../../core/ports/views.ts';
import { LIMITS, codeBlock, inlineCode, link, mention, safeText, truncate } from './block-limits.ts';
import { context, header, plain, section, type ActionsBlock, type Block } from './blocks.ts';
import { blockId, blockTextLength } from './fit-blocks.ts';
import { RUN_STATE_LABEL, formatTime } from './format.ts';
import { gateButtons } from './gate-buttons.ts';

/** The action ids of the Home tab's page buttons (their value is the page number to show). */
export const HOME_PAGE_ACTION_IDS = { previous: 'opsgate.home.previous', next: 'opsgate.home.next' } as const;

/** Matches both page buttons' action ids. */
export const HOME_PAGE_ACTION_PATTERN = /^opsgate\.home\.(previous|next)$/;

/** Blocks a Home tab may hold (Slack's limit for Home and modal views). */
export const HOME_BLOCKS = 100;

/** A gate the person may decide now, with a link to its run's thread when known. */
export interface HomeGate {
  readonly gate: GateView;
  readonly permalink?: string;
}

/** What a person's Home tab shows; every list is already chosen for them. */
export interface HomeContent {
  readonly gates: readonly HomeGate[];
  /** Their own runs (active and recent). */
  readonly mine: readonly RunSummary[];
  /** The active runs of the sites whose channel they are in. */
  readonly active: readonly RunSummary[];
  /** Sentences shown at the top (a click that was not counted, a list that could not be read). */
  readonly notes: readonly string[];
  /** The page asked for, from 1; out of range shows the nearest page. */
  readonly page: number;
  readonly now: number;
}

/** A rendered Home page: the view for views.publish and which gates' buttons it carries. */
export interface HomePage {
  readonly view: { readonly type: 'home'; readonly blocks: readonly Block[]; readonly private_metadata: string };
  readonly page: number;
  readonly pages: number;
  readonly gateIds: readonly string[];
}

interface Item {
  readonly part: 'gates' | 'mine' | 'active';
  readonly blocks: readonly Block[];
  readonly gateId?: string;
}

const PART_TITLE = {
  gates: 'Gates you may decide now',
  mine: 'Your requests',
  active: 'Active runs at your sites',
} as const;

// Per page: header, as-of line, at most 2 notes, 3 part titles, the page line and the page buttons.
const CHROME_BLOCKS = 9;
/** Entries per part at most: renders stay cheap (every publish renders the lists whole to paginate them). */
const MAX_ITEMS = 200;

function gateItem(g: HomeGate): Item {
  const { gate } = g;
  const buttons = gateButtons(gate);
  const commands = gate.targets
    .slice(0, 5)
    .flatMap((t) => t.commands.slice(0, 3).map((c) => `${t.host.slice(0, 100)}: ${c.slice(0, 300)}`));
  const more = gate.targets.length > 5 || gate.targets.some((t) => t.commands.length > 3);
  const blocks: Block[] = [
    section(
      truncate(
        `*${safeText(gate.stepTitle, 300)}* (${gate.kind}) · run ${link(g.permalink, gate.runId)} at ${safeText(gate.site, 40)}`,
        LIMITS.sectionText,
      ),
    ),
    context(
      truncate(
        `requested by ${mention(gate.requester)} · plan ${inlineCode(shortHash(gate.planHash), 20)} · ${gate.targets.length} host(s) · expires ${formatTime(gate.expiresAt)}`,
        500,
      ),
    ),
  ];
  if (commands.length > 0)
    blocks.push(
      section(
        `${codeBlock(commands.join('\n'), 1500)}${more ? '\n… every host and command is in the run thread' : ''}`,
      ),
    );
  if (gate.reason !== undefined && gate.reason !== '') blocks.push(section(codeBlock(gate.reason, 800, 'tail')));
  if (buttons !== undefined) blocks.push({ ...buttons, block_id: blockId('home', 'gate', gate.id) });
  else blocks.push(context('No decision can be taken on this gate from chat (malformed reference).'));
  return { part: 'gates', blocks, ...(buttons === undefined ? {} : { gateId: gate.id }) };
}

function runItem(part: 'mine' | 'active', r: RunSummary): Item {
  const awaiting = r.awaiting === undefined ? '' : `\n↳ ${safeText(r.awaiting, 300)}`;
  const line = `${RUN_STATE_LABEL[r.state]} ${link(r.permalink, r.id)} · *${safeText(r.title, 200)}* at ${safeText(r.site, 40)} · by ${mention(r.requester)} · started ${formatTime(r.startedAt)}${awaiting}`;
  return { part, blocks: [section(truncate(line, 1200))] };
}

/** A part's items, at most `MAX_ITEMS` of them (then a line says how many more and where they are). */
function partItems<T>(name: Item['part'], list: readonly T[], item: (x: T) => Item, where: string): Item[] {
  if (list.length === 0) return [{ part: name, blocks: [context('_none_')] }];
  const items = list.slice(0, MAX_ITEMS).map(item);
  if (list.length > MAX_ITEMS)
    items.push({ part: name, blocks: [context(`… ${list.length - MAX_ITEMS} more not shown here; ${where}`)] });
  return items;
}

const textOf = (blocks: readonly Block[]): number => blocks.reduce((n, b) => n + blockTextLength(b), 0);

/** Splits the items into pages within the block and text budgets; a part's title is counted on every page. */
function paginate(items: readonly Item[], chromeText: number): Item[][] {
  const pages: Item[][] = [[]];
  let blocks = 0;
  let text = chromeText;
  for (const item of items) {
    const n = item.blocks.length;
    const t = textOf(item.blocks);
    const current = pages[pages.length - 1] ?? [];
    if (current.length > 0 && (blocks + n > HOME_BLOCKS - CHROME_BLOCKS || text + t > LIMITS.totalBlockText)) {
      pages.push([item]);
      blocks = n;
      text = chromeText + t;
    } else {
      current.push(item);
      blocks += n;
      text += t;
    }
  }
  return pages;
}

function pageButtons(page: number, pages: number): ActionsBlock {
  const button = (label: string, to: number) => ({
    type: 'button' as const,
    action_id: to < page ? HOME_PAGE_ACTION_IDS.previous : HOME_PAGE_ACTION_IDS.next,
    text: plain(label),
    value: String(to),
  });
  return {
    type: 'actions',
    block_id: blockId('home', 'pages', String(page)),
    elements: [
      ...(page > 1 ? [button('Previous page', page - 1)] : []),
      ...(page < pages ? [button('Next page', page + 1)] : []),
    ],
  };
}

/**
 * A person's Home tab: the gates they may decide now (with the same buttons, action ids and values as the gate
 * message in the thread, so that a click takes the same path and checks), their own requests and where each
 * stands, and the active runs of their sites, each with a link to its thread. Within Block Kit's limits for
 * Home (100 blocks) and opsgate's text budget: a longer list is split into pages with Previous / Next buttons.
 */
export function renderHome(content: HomeContent): HomePage {
  const items: Item[] = [
    ...partItems('gates', content.gates, gateItem, 'they wait in their threads'),
    ...partItems('mine', content.mine, (r) => runItem('mine', r), '/runs lists them'),
    ...partItems('active', content.active, (r) => runItem('active', r), '/runs lists them'),
  ];
  const notes = content.notes.slice(0, 2).map((n) => section(`:warning: ${safeText(n, 1000)}`));
  const head: Block[] = [
    header('opsgate'),
    context(
      `${content.gates.length} gate(s) for you · ${content.mine.length} request(s) of yours · ${content.active.length} active run(s) · as of ${formatTime(content.now)}`,
    ),
    ...notes,
  ];
  // Titles, the page line and the buttons: counted generously so that a full page stays within the budget.
  const pagesOf = paginate(items, textOf(head) + 300);
  const pages = pagesOf.length;
  const page = Math.min(Math.max(1, Math.floor(content.page) || 1), pages);
  const shown = pagesOf[page - 1] ?? [];
  const blocks: Block[] = [...head];
  let part: Item['part'] | undefined;
  for (const item of shown) {
    if (item.part !== part) {
      part = item.part;
      const count = { gates: content.gates.length, mine: content.mine.length, active: content.active.length }[part];
      blocks.push({ ...section(`*${PART_TITLE[part]}* (${count})`), block_id: blockId('home', 'part', part) });
    }
    blocks.push(...item.blocks);
  }
  if (pages > 1) {
    blocks.push(context(`Page ${page} of ${pages}`), pageButtons(page, pages));
  }
  return {
    view: { type: 'home', blocks, private_metadata: String(page) },
    page,
    pages,
    gateIds: shown.flatMap((i) => (i.gateId === undefined ? [] : [i.gateId])),
  };
}

/** The page a Home page button asks for, or 1 for anything else. */
export function homePageOf(value: string | undefined): number {
  const n = /^[1-9][0-9]{0,5}$/.test(value ?? '') ? Number(value) : 1;
  return n;
}
