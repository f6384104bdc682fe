import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import type { SimPasswords } from '../../../lab/obsim/auth.ts';
import { startObSim, type ObSim } from '../../../lab/obsim/start-obsim.ts';
import type { UpgradeJobScenario } from '../../../lab/obsim/upgrade-jobs.ts';
import { execOn, getLab } from '../../support/lab.ts';

/** The lab's three-zone cluster: host, zone and address. */
export function obHosts(): { host: string; zone: string; ip: string }[] {
  const net = getLab().net;
  return [1, 2, 3].map((i) => ({ host: `ob-${i}`, zone: `zone${i}`, ip: `${net}.6${i}` }));
}

export const FROM = '4.3.5.4';
export const TO = '4.3.5.5';

const MAKE_PACKAGES = fileURLToPath(new URL('../../../lab/obsim/make-ob-packages.sh', import.meta.url));

/** Every observer back at `FROM`, no precheck record, nothing staged; the target packages in the lab's package dir. */
export async function resetObLab(): Promise<void> {
  // The observer as obd runs it: stopped through its pid file, started as admin from its home (it reads its zone
  // back from etc/observer.config.bin).
  const reset = [
    'h=/home/admin/oceanbase',
    'if p=$(cat "$h/run/observer.pid" 2>/dev/null) && kill "$p" 2>/dev/null; then for _ in $(seq 100); do grep -qs "^State:[[:space:]]*[^Z]" "/proc/$p/status" || break; sleep 0.1; done; fi',
    'rm -f "$h/run/observer.pid"',
    't=$(mktemp -d)',
    `bash /lab/obsim/make-ob-packages.sh "$t" ${FROM} >/dev/null`,
    `rpm -Uvh --force "$t/oceanbase-ce-libs-${FROM}.rpm" "$t/oceanbase-ce-${FROM}.rpm" >/dev/null`,
    '(cd "$h" && runuser -u admin -- "$h/bin/observer" < /dev/null)',
    'rm -rf "$t" "$h/.opsgate" /tmp/opsgate-ob',
  ].join(' && ');
  for (const { host } of obHosts()) {
    const r = await execOn(host, ['bash', '-c', reset]);
    if (r.exitCode !== 0) throw new Error(`cannot reset ${host}: ${r.stderr}`);
  }
  await promisify(execFile)('bash', [MAKE_PACKAGES, `${getLab().stateDir}/ob-packages`, TO]);
}

/** The sys tenant password the lab's site file references (the lab's root-password secret). */
export function labSysPassword(): string {
  return readFileSync(`${getLab().stateDir}/secrets/root-password`, 'utf8').replace(/\r?\n$/, '');
}

/**
 * The simulator on the lab bridge, where the lab site file's sys endpoint points, with frequent leader moves;
 * logins are checked against the password the site file references (or `passwords`).
 */
export async function startLabSim(
  upgradeJob?: UpgradeJobScenario,
  passwords: SimPasswords = { sys: labSysPassword() },
): Promise<ObSim> {
  const sim = await startObSim({
    host: `${getLab().net}.1`,
    port: 2881,
    observers: obHosts().map(({ zone, ip }) => ({ zone, ip })),
    effect: { hitShare: 0.5, failShare: 0.5, delayMs: [150, 400] },
    passwords,
    ...(upgradeJob !== undefined ? { upgradeJob } : {}),
  });
  // Observers restarted by `resetObLab` catch up a moment later: a precheck read before that fails on unsynced
  // replicas, as it should on a real cluster. Tests start from a cluster at rest.
  for (let i = 0; i < 60; i++) {
    const rows = await simQuery(
      "select count(*) as n from oceanbase.GV$OB_LOG_STAT where IN_SYNC != 'YES'",
      passwords.sys,
    ).catch(() => [{ n: 1 }]);
    if (Number(Object.values(rows[0] ?? {})[0]) === 0) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  return sim;
}

/** One query to the simulator as the sys tenant. */
export async function simQuery(sql: string, password = labSysPassword()): Promise<Record<string, unknown>[]> {
  const c = await mysql.createConnection({
    host: `${getLab().net}.1`,
    port: 2881,
    user: 'root@sys',
    password,
  });
  try {
    const [rows] = await c.query(sql);
    return rows as Record<string, unknown>[];
  } finally {
    await c.end();
  }
}

/** What a lab host says about its observer: the installed package and the version the running process reports. */
export async function observerState(host: string): Promise<{ installed: string; running: string }> {
  const r = await execOn(host, [
    'bash',
    '-c',
    'rpm -q oceanbase-ce; (exec 3<>/dev/tcp/127.0.0.1/2882; head -1 <&3) 2>/dev/null || echo down',
  ]);
  const [installed, running] = r.stdout.trim().split('\n');
  return { installed: installed ?? '', running: running ?? '' };
}
