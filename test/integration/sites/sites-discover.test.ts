import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PERSON_ONLY_FIELDS } from '../../../src/runbooks/xizang/discover/discovered-site.ts';
import { opsgate } from '../cli/opsgate-process.ts';
import { discover } from './discover-cli.ts';
import { getLab } from '../../support/lab.ts';

/**
 * `opsgate sites discover` against the real lab: it reads every host and drafts a site file whose middleware is the
 * lab site file's, but for what only a person can know; a bad hosts list or an unreadable host is named.
 */

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface LabSiteFile {
  readonly hosts: readonly { name: string; address: string; groups?: string[] }[];
  readonly middleware: Record<string, unknown>;
}

function labSite(): LabSiteFile {
  const lab = getLab();
  if (lab.siteFile === null) throw new Error('the lab has no site file');
  return parse(readFileSync(lab.siteFile, 'utf8')) as LabSiteFile;
}

/** A directory of its own holding `hosts.txt` with `lines`; the draft goes to `<dir>/xizang.yml`. */
function workDir(lines: readonly string[]): { dir: string; hosts: string; out: string } {
  const dir = mkdtempSync(join(getLab().stateDir, 'discover-'));
  dirs.push(dir);
  const hosts = join(dir, 'hosts.txt');
  writeFileSync(hosts, `# the lab's hosts\n${lines.join('\n')}\n`);
  return { dir, hosts, out: join(dir, 'xizang.yml') };
}

/** `value` without the fields only a person can know, at any depth. */
function withoutPersonOnly(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPersonOnly);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !(PERSON_ONLY_FIELDS as readonly string[]).includes(k))
      .map(([k, v]) => [k, withoutPersonOnly(v)]),
  );
}

describe('opsgate sites discover', () => {
  it("drafts a valid site file whose middleware is the lab site file's, but for the person-only fields", async () => {
    const site = labSite();
    const { hosts, out } = workDir(site.hosts.map((h) => `${h.address} ${h.name} ${(h.groups ?? []).join(',')}`));
    const r = await discover(hosts, out);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /sites discover xizang: wrote .* 18 of 18 host\(s\) read, 4 middleware instance\(s\), 5 observer\(s\) in [\d.]+s/,
    );
    process.stderr.write(`${r.stdout.trim().split('\n').at(-1) ?? ''}\n`);

    // Valid as it is, with the secrets it proposes set (no value was copied from a host).
    const proposed = [...r.stdout.matchAll(/^secret: set ([A-Z0-9_]+) /gm)].map((m) => m[1] ?? '');
    expect(proposed.length).toBeGreaterThan(0);
    const text = readFileSync(out, 'utf8');
    for (const secret of Object.values(getLab().secrets)) expect(text).not.toContain(secret);
    const v = await opsgate(
      ['sites', 'validate', out],
      Object.fromEntries(proposed.map((e) => [e, 'set-by-a-person'])),
    );
    expect(v.code, v.stdout + v.stderr).toBe(0);

    const draft = parse(text) as LabSiteFile;
    expect(withoutPersonOnly(draft.middleware)).toEqual(withoutPersonOnly(site.middleware));
    // What a person decides is marked.
    for (const todo of ['admInstance: TODO', 'Slack channel ID', 'policy:', 'paas', 'dns.records'])
      expect(text).toContain(todo);
  });

  it('refuses a hosts list with a bad address or a repeated name, naming each line, and writes nothing', async () => {
    const { hosts, out } = workDir([
      '10.77.0.300 redis-a redis',
      `${getLab().net}.21 redis-a redis`,
      `${getLab().net}.22 redis-a`,
    ]);
    const r = await discover(hosts, out);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${hosts}:2: "10.77.0.300" is not an IP address or host name`);
    expect(r.stdout).toContain(`${hosts}:4: the name redis-a is already given on line 3`);
    expect(r.stdout).toContain('nothing written');
    expect(existsSync(out)).toBe(false);
  });

  it('lists a host it cannot reach with the reason, still writes the draft of the others and exits 2', async () => {
    const net = getLab().net;
    const { dir, hosts, out } = workDir([`${net}.21 redis-a redis`, `${net}.22 redis-b redis`, `${net}.249 ghost`]);
    const r = await discover(hosts, out);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stdout).toMatch(/^cannot read host ghost: .+/m);
    const draft = parse(readFileSync(out, 'utf8')) as LabSiteFile;
    expect(draft.middleware).toMatchObject({ redis: [{ master: 'redis-a', replicas: ['redis-b'] }] });
    expect(readFileSync(out, 'utf8')).toMatch(/# NOT READ[^\n]*\n#\s+ghost: /);
    // An existing draft is kept unless --force.
    const again = await discover(hosts, out);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('exists: give --force');
    expect(existsSync(join(dir, 'xizang.yml'))).toBe(true);
  });
});
