import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fingerprint, parseKnownHosts } from '../../../src/runners/ssh/known-hosts.ts';
import { getLab } from '../../support/lab.ts';
import { opsgate } from './opsgate-process.ts';

/**
 * `opsgate sites keyscan` against the lab's real sshd hosts: the keys it pins are the ones the lab generated
 * for each host (the lab's own known_hosts is the ground truth), through a jump host when the site has one.
 */

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A sites dir beside the lab's own (so the lab site file's `../client/…` references still resolve). */
function sitesDir(edit: (yaml: string) => string = (y) => y): { dir: string; knownHosts: string } {
  const lab = getLab();
  if (lab.siteFile === null) throw new Error('the lab has no site file');
  const dir = mkdtempSync(join(lab.stateDir, 'keyscan-'));
  dirs.push(dir);
  const yaml = readFileSync(lab.siteFile, 'utf8').replace(
    /knownHosts: \{ file: [^}]+\}/,
    'knownHosts: { file: ./known_hosts }',
  );
  writeFileSync(join(dir, 'xizang.yml'), edit(yaml));
  return { dir, knownHosts: join(dir, 'known_hosts') };
}

/** The lab's own fingerprint of each host (what `lab up` pinned when it generated the host keys). */
function labFingerprints(): Map<string, string> {
  const entries = parseKnownHosts(readFileSync(getLab().knownHosts, 'utf8'));
  return new Map(entries.map((e) => [e.hosts.split(',')[0] ?? '', fingerprint(e.key)]));
}

const withJump = (host: string) => (yaml: string) => yaml.replace(/^ssh:\n/m, `ssh:\n  jump: { host: ${host} }\n`);

describe('opsgate sites keyscan', () => {
  it("pins every host's own key on a first scan, then finds nothing to write", async () => {
    const { dir, knownHosts } = sitesDir();
    const first = await opsgate(['sites', 'keyscan', 'xizang', '--yes'], { OPSGATE_SITES: dir });
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const lab = getLab();
    const expected = labFingerprints();
    for (const h of lab.hosts) {
      expect(first.stdout).toMatch(
        new RegExp(`^${h.name}  ${h.address.replaceAll('.', '\\.')}  ssh-ed25519 \\S+  new$`, 'm'),
      );
      expect(first.stdout).toContain(expected.get(h.name) ?? 'no lab key');
    }
    const pinned = parseKnownHosts(readFileSync(knownHosts, 'utf8'));
    expect(pinned).toHaveLength(lab.hosts.length);
    for (const h of lab.hosts) {
      const mine = pinned.find((e) => e.hosts === `${h.address},${h.name}`);
      expect(mine && fingerprint(mine.key)).toBe(expected.get(h.name));
    }
    const again = await opsgate(['sites', 'keyscan', 'xizang'], { OPSGATE_SITES: dir });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`all ${lab.hosts.length} host keys are pinned already; nothing to write`);
  });

  it('reaches the hosts through the jump host, and asks before logging in to an unpinned one', async () => {
    const { dir, knownHosts } = sitesDir(withJump('paas-1'));
    // No terminal and no --yes: the jump host's key is shown, nobody can confirm it, nothing is written.
    const refused = await opsgate(['sites', 'keyscan', 'xizang'], { OPSGATE_SITES: dir });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toMatch(/The jump host paas-1 \(\S+\) is not pinned; it presents SHA256:\S+\./);
    expect(refused.stdout).toMatch(/^redis-a .* via paas-1 {2}unreachable: jump host paas-1 is not trusted yet/m);
    expect(existsSync(knownHosts)).toBe(false);

    const done = await opsgate(['sites', 'keyscan', 'xizang', '--yes'], { OPSGATE_SITES: dir });
    expect(done.code, done.stdout).toBe(0);
    const expected = labFingerprints();
    expect(done.stdout).toMatch(
      new RegExp(`^kafka-2  \\S+ via paas-1  ssh-ed25519 ${escape(expected.get('kafka-2'))}  new$`, 'm'),
    );
    expect(done.stdout).toMatch(/^paas-1 {2}\S+ {2}ssh-ed25519 \S+ {2}new$/m);
    expect(parseKnownHosts(readFileSync(knownHosts, 'utf8'))).toHaveLength(getLab().hosts.length);
  });

  it('refuses a changed key with both fingerprints, writes nothing, and replaces it only when told', async () => {
    const { dir, knownHosts } = sitesDir();
    const other = join(dir, 'other');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const otherBlob = (readFileSync(`${other}.pub`, 'utf8').split(' ')[1] ?? '').trim();
    const lab = getLab();
    const b = lab.hosts.find((h) => h.name === 'redis-b');
    const forged = readFileSync(lab.knownHosts, 'utf8').replace(
      new RegExp(
        `^(redis-b,${b?.address.replaceAll('.', '\\.')}|${b?.address.replaceAll('.', '\\.')},redis-b) ssh-ed25519 \\S+$`,
        'm',
      ),
      `${b?.address},redis-b ssh-ed25519 ${otherBlob}`,
    );
    expect(forged).toContain(otherBlob);
    writeFileSync(knownHosts, forged);
    const forgedFp = fingerprint(Buffer.from(otherBlob, 'base64'));
    const realFp = labFingerprints().get('redis-b') ?? '';

    const refused = await opsgate(['sites', 'keyscan', 'xizang', '--yes'], { OPSGATE_SITES: dir });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(`REFUSED: redis-b (${b?.address}) presents ${realFp}, but ${forgedFp} is pinned`);
    expect(refused.stdout).toContain('--replace redis-b');
    expect(readFileSync(knownHosts, 'utf8')).toBe(forged);

    const replaced = await opsgate(['sites', 'keyscan', 'xizang', '--yes', '--replace', 'redis-b'], {
      OPSGATE_SITES: dir,
    });
    expect(replaced.code, replaced.stdout).toBe(0);
    expect(replaced.stdout).toContain('wrote 0 new and 1 replaced key(s)');
    const after = readFileSync(knownHosts, 'utf8');
    expect(after).not.toContain(otherBlob);
    const pinned = parseKnownHosts(after).filter((e) => e.hosts.split(',').includes('redis-b'));
    expect(pinned.map((e) => fingerprint(e.key))).toEqual([realFp]);
    // Every other host's line is kept as it was.
    expect(parseKnownHosts(after)).toHaveLength(lab.hosts.length);
  });

  it('names an unreachable jump host for every host behind it and writes nothing', async () => {
    const net = getLab().net;
    const { dir, knownHosts } = sitesDir((y) =>
      y.replace(
        /^ssh:\n/m,
        `ssh:\n  jump: { address: ${net}.250, user: root, privateKey: { file: ../client/id_ed25519 } }\n`,
      ),
    );
    const r = await opsgate(['sites', 'keyscan', 'xizang', '--yes'], { OPSGATE_SITES: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(
      new RegExp(`^jump ${net.replaceAll('.', '\\.')}\\.250  \\S+  unreachable: cannot reach`, 'm'),
    );
    expect(r.stdout).toMatch(
      new RegExp(`^redis-a .* unreachable: jump host jump ${net.replaceAll('.', '\\.')}\\.250 cannot be reached`, 'm'),
    );
    expect(r.stdout).toMatch(/could not be scanned; nothing written/);
    expect(existsSync(knownHosts)).toBe(false);
  });

  it('refuses --replace of a host the site does not have, before scanning', async () => {
    const { dir, knownHosts } = sitesDir();
    const r = await opsgate(['sites', 'keyscan', 'xizang', '--yes', '--replace', 'ghost'], { OPSGATE_SITES: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('--replace names no host of site xizang: ghost');
    expect(existsSync(knownHosts)).toBe(false);
  });
});

function escape(s: string | undefined): string {
  return (s ?? 'none').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
