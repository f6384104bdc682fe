import { RunbookInvalidError } from '../../../core/plan/runbook-errors.ts';
import { sh } from '../../../core/shell-quote.ts';
import type { Fastdfs } from '../../../core/sites/middleware-schema.ts';
import type { SiteFile } from '../../../core/sites/site-schema.ts';
import { httpAnswer, type SiteService } from '../shared/site-services.ts';
import { addressOf } from '../shared/xizang-site.ts';

export const RUNBOOK = 'upgrade-fastdfs';

/** One tracker of the new instance: its host and the address FastDFS knows it by. */
export interface Tracker {
  readonly host: string;
  readonly address: string;
}

/** Where everything of the FastDFS phase is, today and after the ADM redeploy, and how each service is seen. */
export interface FdfsLayout {
  readonly spec: SiteFile;
  readonly f: Fastdfs;
  readonly adm: string | undefined;
  /** Today's trackers, then the new one and the spares: the new instance's trackers. */
  readonly trackers: readonly Tracker[];
  /** The new tracker, with the site's other addresses for it (other network zones), when the site file names it. */
  readonly added: { readonly tracker: Tracker; readonly otherAddresses: readonly string[] } | undefined;
  readonly trackerBase: string;
  readonly storageBase: string;
  /** Old store path (…/data) → new one, in order. */
  readonly stores: readonly { readonly from: string; readonly to: string }[];
  readonly old: { readonly tracker: SiteService; readonly storage: SiteService; readonly nginx?: SiteService };
  readonly next: { readonly tracker: SiteService; readonly storage: SiteService; readonly nginx?: SiteService };
  readonly stateDir: string;
}

/** FDFS_PROTO_CMD_ACTIVE_TEST (111) with an empty body: FastDFS's 10-byte header, as printf `%b` escapes. */
const ACTIVE_TEST = String.raw`\0\0\0\0\0\0\0\0\0157\0`;

/**
 * A FastDFS protocol answer on the local `port`: ACTIVE_TEST, which tracker and storage both answer with a RESP
 * header (cmd 100, status 0, no body), printed as hex bytes (fastdfs tracker/tracker_proto.h, tracker_service.c).
 */
export function activeTest(port: number): NonNullable<SiteService['answer']> {
  return {
    command: sh`timeout 5 bash -c ${'exec 3<>"/dev/tcp/127.0.0.1/$1" && printf "%b" "$2" >&3 && head -c 10 <&3'} fdfs-active-test ${port} ${ACTIVE_TEST} | od -An -tx1 | tr -s ${' \\n'} ${' '}`,
    pattern: '00 00 00 00 00 00 00 00 64 00',
  };
}

function ipv4Net(address: string): string | undefined {
  const m = /^(\d+\.\d+\.\d+)\.\d+$/.exec(address);
  return m?.[1];
}

/**
 * The new tracker's FastDFS address: of the addresses the site gives for it (one per network zone), the one in
 * the /24 of today's trackers. Refused when today's trackers span networks or not exactly one address fits.
 */
function addedTracker(spec: SiteFile, f: Fastdfs): FdfsLayout['added'] {
  const nt = f.newTracker;
  if (nt === undefined) return undefined;
  const old = f.tracker.hosts.map((h) => `${h} (${addressOf(spec, h)})`).join(', ');
  const nets = new Set(f.tracker.hosts.map((h) => ipv4Net(addressOf(spec, h)) ?? `?${h}`));
  const [net] = [...nets];
  if (nets.size !== 1 || net === undefined || net.startsWith('?'))
    throw new RunbookInvalidError(
      RUNBOOK,
      undefined,
      `the trackers ${old} are not in one IPv4 /24, so which of ${nt.zoneAddresses.join(', ')} the new tracker ${nt.host} uses cannot be told`,
    );
  const fits = nt.zoneAddresses.filter((a) => ipv4Net(a) === net);
  if (fits.length !== 1)
    throw new RunbookInvalidError(
      RUNBOOK,
      undefined,
      `the new tracker ${nt.host} has ${fits.length === 0 ? 'no address' : `${fits.length} addresses`} (of ${nt.zoneAddresses.join(', ')}) in ${net}.0/24, the network of the trackers ${old}; give exactly one`,
    );
  const address = fits[0] ?? '';
  return { tracker: { host: nt.host, address }, otherAddresses: nt.zoneAddresses.filter((a) => a !== address) };
}

export function fdfsLayout(spec: SiteFile, f: Fastdfs): FdfsLayout {
  const newStores = f.storage.admLayout?.storePaths ?? ['/mysql/fastdfs/storage/data'];
  const added = addedTracker(spec, f);
  const all: Tracker[] = [
    ...f.tracker.hosts.map((host) => ({ host, address: addressOf(spec, host) })),
    ...(added === undefined ? [] : [added.tracker]),
    ...f.spares.map((host) => ({ host, address: addressOf(spec, host) })),
  ];
  const trackers = all.filter((t, i) => all.findIndex((u) => u.host === t.host) === i);
  // Process texts that no command of the phase holds: `fdfs_trackerd` alone is in `/etc/init.d/fdfs_trackerd`.
  const fdfsd = (name: string, daemon: string, port: number): SiteService => ({
    name,
    process: daemon,
    port,
    answer: activeTest(port),
  });
  const nginx = (name: string, home: string, port: number): SiteService => ({
    name,
    process: `${home.replace(/\/+$/, '')}/sbin/nginx`,
    port,
    answer: httpAnswer(port),
  });
  const n = f.nginx;
  return {
    spec,
    f,
    adm: spec.adm.mode === 'scripted' ? spec.adm.command : undefined,
    trackers,
    added,
    trackerBase: f.tracker.admLayout?.base ?? '/mysql/fastdfs/tracker_base',
    storageBase: f.storage.admLayout?.base ?? '/mysql/fastdfs/storage_base',
    stores: f.storage.storePaths.map((from, i) => ({
      from,
      to: newStores[i] ?? newStores[0] ?? '/mysql/fastdfs/storage/data',
    })),
    old: {
      tracker: fdfsd(f.tracker.service, 'bin/fdfs_trackerd', f.tracker.port),
      storage: fdfsd(f.storage.service, 'bin/fdfs_storaged', f.storage.port),
      ...(n === undefined ? {} : { nginx: nginx(n.service, n.home, n.port) }),
    },
    next: {
      tracker: fdfsd(f.tracker.admLayout?.service ?? 'trackerd', 'bin/fdfs_trackerd', f.tracker.port),
      storage: fdfsd(f.storage.admLayout?.service ?? 'storaged', 'bin/fdfs_storaged', f.storage.port),
      ...(n === undefined
        ? {}
        : { nginx: nginx(n.admLayout?.service ?? 'nginx', n.admLayout?.home ?? '/mysql/fastdfs/nginx', n.port) }),
    },
    stateDir: `/var/lib/opsgate/${f.name}`,
  };
}

/** The download pair's nginx and keepalived, as the software shows them. */
export function downloadServices(d: NonNullable<Fastdfs['download']>): {
  readonly nginx: SiteService;
  readonly keepalived: SiteService;
} {
  return {
    nginx: {
      name: d.service,
      process: `${d.home.replace(/\/+$/, '')}/sbin/nginx`,
      port: d.port,
      answer: httpAnswer(d.port),
    },
    keepalived: { name: d.keepalivedService, process: 'sbin/keepalived' },
  };
}
