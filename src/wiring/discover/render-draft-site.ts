import { stringify } from 'yaml';
import type { DiscoverHost, Draft } from '../../runbooks/xizang/discover/discovered-site.ts';
import type { FoundObserver } from '../../runbooks/xizang/discover/draft-dns-and-observers.ts';

/** Everything the draft site file says, as `discoverSite` found it and the command line gave it. */
export interface DraftSite {
  readonly id: string;
  readonly ssh: Draft;
  readonly hosts: readonly DiscoverHost[];
  readonly middleware: Draft;
  readonly dns: Draft | undefined;
  readonly observers: readonly FoundObserver[];
  /** Findings a person should read (VRRP instances, replicas outside the list …). */
  readonly notes: readonly string[];
  /** Hosts that could not be read, with the reason. */
  readonly unread: readonly { readonly host: string; readonly cause: string }[];
  /** `{ env: NAME }` references the draft proposes, with what each must hold. */
  readonly secrets: readonly { readonly env: string; readonly what: string }[];
}

const block = (value: unknown, indent = 0): string =>
  stringify(value, { lineWidth: 0, flowCollectionPadding: true, aliasDuplicateObjects: false })
    .trimEnd()
    .split('\n')
    .map((l) => ' '.repeat(indent) + l)
    .join('\n');

const comments = (lines: readonly string[]): string[] => lines.map((l) => `# ${l}`);

/**
 * The text of a draft site file: valid for `opsgate sites validate`, with every value a person must decide marked
 * `TODO` in a comment beside it (ADM instance names, the Slack channel, the policy, package sources) and what the
 * hosts showed but the file has no field for left as comments (observers without a sys connection, notes).
 */
export function renderDraftSite(d: DraftSite): string {
  const hostLines = d.hosts.map(
    (h) =>
      `  - { name: ${h.name}, address: ${h.address}${h.groups.length > 0 ? `, groups: [${h.groups.join(', ')}]` : ''} }`,
  );
  const out: string[] = [
    '# A DRAFT written by `opsgate sites discover` from what runs on the hosts. Read it whole before using it:',
    '# every "TODO" is for a person to decide; names of instances are proposals.',
    ...comments(d.secrets.map((s) => `secret: set ${s.env} to ${s.what} (the draft never copies a value)`)),
    ...(d.unread.length > 0
      ? [
          '#',
          '# NOT READ (their middleware is missing from this draft):',
          ...comments(d.unread.map((u) => `  ${u.host}: ${u.cause}`)),
        ]
      : []),
    ...(d.notes.length > 0 ? ['#', '# Found on the hosts:', ...comments(d.notes.map((n) => `  ${n}`))] : []),
    `id: ${d.id}`,
    `name: ${d.id} # TODO: the display name`,
    'slack:',
    '  channel: C0000000000 # TODO: the Slack channel ID of the site (C… or G…)',
    '',
    block({ ssh: d.ssh }),
    '',
    'hosts:',
    ...hostLines,
    '',
    "# TODO for each instance: `name` (opsgate's), `admInstance` (its name in PowerADM, per adm.naming), and",
    '# `admLayout` where ADM lays it out differently after a redeploy; FastDFS `newTracker`/`download`/`spares` if planned.',
    block({ middleware: d.middleware }),
    '',
  ];
  if (d.dns !== undefined)
    out.push('# TODO: dns.records, as PowerADM generates them (`adm domains`).', block({ dns: d.dns }), '');
  if (d.observers.length > 0) {
    out.push(
      "# OceanBase observers found (user, home, zone, ports). TODO: the `oceanbase` section needs each cluster's",
      '# name and its sys connection, which the hosts cannot tell:',
      ...comments(
        d.observers.map(
          (o) => `  ${o.host}: user ${o.user}, home ${o.home}, zone ${o.zone}, rpc ${o.rpcPort}, sql ${o.sqlPort}`,
        ),
      ),
      '',
    );
  }
  out.push(
    '# TODO: the PowerADM setup of the site (mode scripted with its command, or manual), where it keeps its',
    '# markers, and the naming rule of its instance names.',
    'adm:',
    '  mode: manual',
    '  markers: /app/adm/instances # TODO',
    '  naming: { pattern: ".+", example: "TODO" } # TODO: the site\'s naming rule and an example',
    '',
    '# TODO: who may start a run and who approves (Slack user IDs), how many approvals, how long they last.',
    '# UTODOSTARTER and UTODOAPPROVER stand for people: replace them.',
    'policy:',
    '  starters: { users: [UTODOSTARTER] }',
    '  approvers: { users: [UTODOAPPROVER] }',
    '  approvalsNeeded: 1',
    '  requesterMayApprove: false',
    '  expiry: 30m',
    '',
    '# TODO: paas (platform, packages and their sources, applications) is not discovered: add it by hand.',
    '',
  );
  return out.join('\n');
}
