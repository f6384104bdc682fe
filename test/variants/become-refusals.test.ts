import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existing, redisBackups } from '../integration/runbooks/lab-state.ts';
import { findingsOf, XizangCli } from '../integration/runbooks/xizang-cli.ts';
import { getLab } from '../support/lab.ts';

/**
 * A site whose sudo does not answer as its site file says (the variants lab: `ops` logs in, sudo wants its password
 * except on redis-b and kafka-2). The run is refused at its first step, naming host, user and what sudo said; nothing
 * else starts, nothing on a host changes, and no password shows.
 */

const dirs: string[] = [];
let password = '';

/** A copy of the lab's site file, beside it (its `../secrets/…` references resolve), with `edit` applied. */
function siteWith(edit: (yaml: string) => string): string {
  const lab = getLab();
  if (lab.siteFile === null) throw new Error('the lab has no site file');
  const dir = mkdtempSync(join(lab.stateDir, 'become-refusals-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'xizang.yml'), edit(readFileSync(lab.siteFile, 'utf8')));
  return dir;
}

beforeAll(() => {
  password = readFileSync(join(getLab().stateDir, 'secrets', 'ops-password'), 'utf8').trim();
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function refusedUpgrade(sitesDir: string): Promise<string> {
  const cli = new XizangCli(sitesDir);
  try {
    const r = await cli.run(
      '/upgrade xizang redis',
      ...['--as', 'UOPERATOR', '--approve-as', 'UAPPROVER1', '--on-failure', 'abort'],
    );
    expect(r.code, r.stdout.slice(-2000) + r.stderr).toBe(1);
    const started = r.events.flatMap((e) => (e.type === 'step.started' ? [e.stepId] : []));
    expect(started).toHaveLength(1);
    const first = r.events.find((e) => e.type === 'step.finished');
    expect(first?.type === 'step.finished' ? first.status : '').toBe('failed');
    expect(r.stdout + r.stderr).not.toContain(password);
    for (const host of ['redis-a', 'redis-b']) expect(await existing(host, redisBackups(host))).toEqual([]);
    // What the failed first step found, as a person reads it (the JSON lines escape its quotes).
    return findingsOf(r.events)
      .map((f) => `${f.title}: ${f.evidence}`)
      .join('\n');
  } finally {
    await cli.close();
  }
}

describe('sudo that does not answer as the site file says', () => {
  it('refuses the run before anything is touched when sudo wants a password the file does not give', async () => {
    const sites = siteWith((y) => y.replace(/(\n {2}become: \{ method: sudo), password: \{[^}]*\} \}/, '$1 }'));
    const out = await refusedUpgrade(sites);
    expect(out).toMatch(/redis-a \([^)]*\): ops cannot run commands as root with sudo: "sudo: a password is required"/);
    expect(out).not.toMatch(/(?<![\w-])redis-b \([^)]*\): ops cannot/);
  });

  it('names a wrong sudo password', async () => {
    const sites = siteWith((y) =>
      y.replace(/(\n {2}become: \{ method: sudo, password: \{ )file: [^}]*\}/, '$1env: OPS_WRONG }'),
    );
    process.env.OPS_WRONG = `not-${password}`;
    try {
      const out = await refusedUpgrade(sites);
      expect(out).toMatch(
        /redis-a \([^)]*\): ops cannot run commands as root with sudo: "[^"]*(incorrect password|no password was provided)/,
      );
      expect(out).toContain('not this user’s password on the host');
    } finally {
      delete process.env.OPS_WRONG;
    }
  });
});
