import { execOn } from '../../support/lab.ts';

/** Runs argv on a lab host and returns its stdout; throws with the host's stderr when it exits non-zero. */
export async function onHost(host: string, argv: readonly string[], input?: string): Promise<string> {
  const res = await execOn(host, argv, input);
  if (res.exitCode !== 0)
    throw new Error(`${host}: ${argv.join(' ')} exited ${res.exitCode}: ${res.stderr || res.stdout}`);
  return res.stdout;
}

/** Polls `check` every 200 ms for up to `seconds`; throws naming `what` when it never holds. */
export async function eventually(check: () => Promise<boolean>, what: string, seconds = 10): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not happen within ${seconds} s`);
}

/** One row of `kafka-consumer-groups.sh --describe`, keyed by Kafka's column names. */
export type ConsumerGroupRow = Readonly<Record<string, string>>;

/** Parses Kafka 2.3's `--describe` output: a header line per group, then one whitespace-separated row per partition. */
export function parseConsumerGroups(text: string): ConsumerGroupRow[] {
  const rows: ConsumerGroupRow[] = [];
  let header: string[] | null = null;
  for (const line of text.split('\n')) {
    const cells = line
      .trim()
      .split(/\s+/)
      .filter((c) => c !== '');
    if (cells.length === 0) continue;
    if (cells[0] === 'GROUP') {
      header = cells;
      continue;
    }
    if (!header) throw new Error(`row before any header: ${line}`);
    const cols = header;
    rows.push(Object.fromEntries(cols.map((c, i) => [c, cells[i] ?? ''])));
  }
  return rows;
}

/**
 * Reads /brokers/ids from the ZooKeeper on `host` (kazoo): each broker id with its JSON and whether it is ephemeral.
 */
export async function brokersInZooKeeper(
  host: string,
): Promise<Map<string, { json: Record<string, unknown>; ephemeral: boolean }>> {
  const script = [
    'import json',
    'from kazoo.client import KazooClient',
    "zk = KazooClient(hosts='127.0.0.1:2181'); zk.start(timeout=10)",
    'out = {}',
    "for i in (zk.get_children('/brokers/ids') if zk.exists('/brokers/ids') else []):",
    "    data, stat = zk.get('/brokers/ids/' + i)",
    "    out[i] = {'json': json.loads(data), 'ephemeral': stat.ephemeralOwner != 0}",
    'print(json.dumps(out)); zk.stop()',
  ].join('\n');
  const parsed = JSON.parse(await onHost(host, ['/usr/bin/python3', '-c', script])) as Record<
    string,
    { json: Record<string, unknown>; ephemeral: boolean }
  >;
  return new Map(Object.entries(parsed));
}
