import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabInfo } from '../../src/wiring/lab/index.ts';

/** The approver the generated sites name; the bench bot decides their gates as this user. */
export const BENCH_APPROVER = 'UBENCHAPPROVER';
export const BENCH_REQUESTER = 'UBENCHOPERATOR';

/**
 * Writes one site file per bare lab host (`bench01` → `b001` …) into `dir`: one host each, the lab's key and
 * known_hosts by absolute path, a policy letting the bench requester start runs and the bench approver approve.
 */
export function writeBenchSites(lab: LabInfo, dir: string, count: number): string[] {
  mkdirSync(dir, { recursive: true });
  const ids: string[] = [];
  for (let i = 1; i <= count; i++) {
    const host = lab.hosts[i - 1];
    if (host === undefined) throw new Error(`the bare lab has only ${lab.hosts.length} hosts; ${count} needed`);
    const id = `bench${String(i).padStart(2, '0')}`;
    const yaml = [
      `id: ${id}`,
      `name: Bench site ${i}`,
      'slack:',
      `  channel: CBENCH${String(i).padStart(2, '0')}`,
      'ssh:',
      '  user: root',
      `  privateKey: { file: ${JSON.stringify(lab.clientKey)} }`,
      `  knownHosts: { file: ${JSON.stringify(lab.knownHosts)} }`,
      'hosts:',
      `  - { name: ${host.name}, address: ${host.address} }`,
      'adm:',
      '  mode: manual',
      '  markers: /app/adm/instances',
      '  naming: { pattern: "^BENCH-.+$", example: BENCH-Redis-A }',
      'policy:',
      `  starters: { users: [${BENCH_REQUESTER}] }`,
      `  approvers: { users: [${BENCH_APPROVER}] }`,
      '  expiry: 30m',
      '',
    ].join('\n');
    writeFileSync(join(dir, `${id}.yml`), yaml);
    ids.push(id);
  }
  return ids;
}
