import { describe, expect, it } from 'vitest';
import { loadSite } from '../../../../src/adapters/files/load-site.ts';
import { formatSiteProblem, type SiteProblem } from '../../../../src/core/sites/site-problem.ts';
import {
  beforeAdm,
  edit,
  lineWith,
  memoryDeps,
  REDIS_PASSWORD,
  SITE_FILE,
  SITE_YAML,
  SSH_KEY,
} from '../../core/sites/site-fixture.ts';

async function problemsOf(text: string, env: Record<string, string> = {}): Promise<SiteProblem[]> {
  const r = await loadSite(SITE_FILE, memoryDeps({ [SITE_FILE]: text }, env));
  if (r.ok) throw new Error('expected the site file to be refused');
  return r.error;
}

/** Problems as `LINE PATH: message`, the part of the CLI's line that these tests pin. */
async function located(text: string, env: Record<string, string> = {}): Promise<string[]> {
  return (await problemsOf(text, env)).map((p) => `${p.line} ${p.path}: ${p.message}`);
}

describe('loadSite', () => {
  it('loads a valid file with its defaults filled in', async () => {
    const r = await loadSite(SITE_FILE, memoryDeps({ [SITE_FILE]: SITE_YAML }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const { site } = r.value;
    expect(site.id).toBe('testsite');
    expect(site.hosts.map((h) => [h.name, h.port])).toEqual([
      ['app-1', 22],
      ['app-2', 22],
      ['redis-a', 22],
      ['redis-b', 2222],
    ]);
    expect(site.middleware.redis[0]?.service).toBe('redis');
    expect(site.policy).toMatchObject({ approvalsNeeded: 1, requesterMayApprove: false, expiry: '30m' });
    expect(r.value.baseDir).toBe('/sites');
    expect(r.value.lineOf(['middleware', 'redis', 0, 'vip'])).toBe(lineWith(SITE_YAML, 'vip:'));
  });

  it('reports a bad address at its line and path', async () => {
    const text = edit(SITE_YAML, 'address: redis-b.example.com', 'address: "10.0.0.300"');
    expect(await located(text)).toEqual([
      `${lineWith(text, '10.0.0.300')} hosts[3].address: not an IP address or host name`,
    ]);
  });

  it('reports an unknown key at the key, so a misspelt field never falls back to a default', async () => {
    const text = edit(SITE_YAML, '    address: 10.0.0.21', '    address: 10.0.0.21\n    prot: 2200');
    expect(await located(text)).toEqual([`${lineWith(text, 'prot:')} hosts[2].prot: unknown key`]);
  });

  it('reports a missing field as required at the line of its parent', async () => {
    const text = edit(SITE_YAML, '      config: /etc/redis/redis.conf\n', '');
    expect(await located(text)).toEqual([
      `${lineWith(text, '- name: business-redis')} middleware.redis[0].config: required`,
    ]);
  });

  it('refuses duplicate host names, naming the first one', async () => {
    const text = edit(SITE_YAML, 'name: app-2', 'name: app-1');
    expect(await located(text)).toEqual([
      `${lineWith(text, '10.0.0.12')} hosts[1].name: duplicate host name "app-1" (also at hosts[0].name)`,
    ]);
  });

  it('refuses a group, an instance, a zone and a jump host that name a host that does not exist', async () => {
    let text = edit(SITE_YAML, 'replicas: [redis-b]', 'replicas: [redis-c]');
    text = edit(text, 'middleware:\n', 'groups:\n  cache: [redis-a, redis-z]\nmiddleware:\n');
    text = edit(text, '  knownHosts:', '  jump: { host: bastion }\n  knownHosts:');
    text = beforeAdm(text, [
      'oceanbase:',
      '  - name: ob',
      '    sys: { host: app-1, password: { env: TEST_REDIS_PASSWORD } }',
      '    zones:',
      '      - { name: zone1, hosts: [ob-1] }',
    ]);
    expect(await located(text)).toEqual([
      `${lineWith(text, 'bastion')} ssh.jump.host: no host named "bastion" in hosts`,
      `${lineWith(text, 'cache:')} groups.cache[1]: no host named "redis-z" in hosts`,
      `${lineWith(text, 'redis-c')} middleware.redis[0].replicas[0]: no host named "redis-c" in hosts`,
      `${lineWith(text, 'zone1')} oceanbase[0].zones[0].hosts[0]: no host named "ob-1" in hosts`,
    ]);
  });

  it('refuses a become method other than sudo and a relative staging directory, naming the line', async () => {
    let text = edit(SITE_YAML, '  knownHosts:', '  become: { method: su }\n  knownHosts:');
    text = edit(text, 'name: app-2', 'name: app-2, become: { method: sudo, stagingDir: stage }');
    expect(await located(text)).toEqual([
      `${lineWith(text, 'method: su')} ssh.become.method: only sudo is supported (su needs a terminal for its password prompt)`,
      `${lineWith(text, 'stagingDir: stage')} hosts[1].become.stagingDir: not an absolute path`,
    ]);
  });

  it('refuses a reference to a host group that no host belongs to', async () => {
    const text = beforeAdm(SITE_YAML, [
      'paas:',
      '  groups: [pass]',
      '  platform: { version: 3.1.6, path: /app/soft/powercloud/VERSION }',
      '  pyscript: { version: "1", path: /app/soft/pyscript/VERSION }',
      '  springboot: { version: "2", path: /app/soft/deploy/SPRINGBOOT/VERSION }',
      '  yum: { version: "3", path: /app/soft/yum/VERSION }',
    ]);
    expect(await located(text)).toEqual([
      `${lineWith(text, 'groups: [pass]')} paas.groups[0]: no host group named "pass" (groups come from hosts[].groups and groups)`,
    ]);
  });

  it('refuses a secret from an unset environment variable and from a missing file', async () => {
    const text = edit(SITE_YAML, '{ file: secrets/known_hosts }', '{ file: secrets/missing_hosts }');
    const r = await loadSite(SITE_FILE, { ...memoryDeps({ [SITE_FILE]: text }), env: { TEST_SSH_KEY: SSH_KEY } });
    expect(r.ok ? [] : r.error.map((p) => `${p.line} ${p.path}: ${p.message}`)).toEqual([
      `${lineWith(text, 'knownHosts')} ssh.knownHosts: cannot read file secrets/missing_hosts (/sites/secrets/missing_hosts): no such file`,
      `${lineWith(text, 'TEST_REDIS_PASSWORD')} middleware.redis[0].password: environment variable TEST_REDIS_PASSWORD is not set`,
    ]);
  });

  it('refuses an inline password without repeating it', async () => {
    const text = edit(SITE_YAML, 'password: { env: TEST_REDIS_PASSWORD }', 'password: hunter2-inline');
    const problems = await problemsOf(text);
    expect(problems.map((p) => `${p.line} ${p.path}: ${p.message}`)).toEqual([
      `${lineWith(text, 'hunter2')} middleware.redis[0].password: inline secrets are not allowed: give a reference, { env: VAR } or { file: path }`,
    ]);
    expect(problems.map(formatSiteProblem).join('\n')).not.toContain('hunter2');
  });

  it('never prints a resolved secret, even when the file has other problems', async () => {
    const text = edit(SITE_YAML, 'expiry: 30m', 'expiry: soon');
    const out = (await problemsOf(text)).map(formatSiteProblem).join('\n');
    expect(out).toContain('policy.expiry');
    expect(out).not.toContain(REDIS_PASSWORD);
    expect(out).not.toContain('key-material');
  });

  it('refuses a duplicate instance name', async () => {
    const text = beforeAdm(SITE_YAML, [
      '  kafka:',
      '    - name: business-redis # again',
      '      admInstance: ACME-Kafka-A',
      '      brokers: [app-1]',
      '      home: /app/soft/kafka',
      '      data: /app/kafka-logs',
      '      config: /app/soft/kafka/config/server.properties',
      '      zookeeper: { hosts: [app-1], home: /app/soft/zk, data: /app/zk, config: /app/soft/zk/conf/zoo.cfg }',
    ]);
    expect(await located(text)).toEqual([
      `${lineWith(text, '# again')} middleware.kafka[0].name: duplicate instance name "business-redis" (also at middleware.redis[0].name)`,
    ]);
  });

  it('refuses a policy that needs more approvals than it has approvers', async () => {
    const text = edit(SITE_YAML, '  expiry: 30m', '  approvalsNeeded: 3\n  expiry: 30m');
    expect(await located(text)).toEqual([
      `${lineWith(text, 'approvalsNeeded')} policy.approvalsNeeded: needs 3 approval(s) but only 2 distinct approver(s) are listed`,
    ]);
  });

  it('accepts more approvals than named users when a user group may approve', async () => {
    const text = edit(
      SITE_YAML,
      '{ users: [UAPP1, UAPP2] }',
      '{ users: [UAPP1], groups: [SLEADS] }\n  approvalsNeeded: 2',
    );
    expect((await loadSite(SITE_FILE, memoryDeps({ [SITE_FILE]: text }))).ok).toBe(true);
  });

  it('refuses a bad duration', async () => {
    const text = edit(SITE_YAML, 'expiry: 30m', 'expiry: 30 minutes');
    expect(await located(text)).toEqual([
      `${lineWith(text, 'expiry')} policy.expiry: not a duration (e.g. 90s, 30m, 1h30m, 2d)`,
    ]);
  });

  it('refuses an ADM instance name that breaks the naming rule, and a naming rule that is not a regex', async () => {
    expect(await located(edit(SITE_YAML, 'admInstance: ACME-Redis-A', 'admInstance: redis-a'))).toEqual([
      `${lineWith(SITE_YAML, 'admInstance')} middleware.redis[0].admInstance: does not follow the ADM naming rule (adm.naming.pattern ^ACME-.+-[A-Z]$)`,
    ]);
    expect(await located(edit(SITE_YAML, '"^ACME-.+-[A-Z]$"', '"^ACME-(["'))).toEqual([
      `${lineWith(SITE_YAML, 'naming:')} adm.naming.pattern: not a valid regular expression`,
    ]);
  });

  it('requires the stand-in command in scripted ADM mode', async () => {
    const text = edit(SITE_YAML, 'mode: manual', 'mode: scripted');
    expect(await located(text)).toEqual([`${lineWith(text, 'adm:')} adm.command: required`]);
  });

  it('refuses an unknown ADM mode, and a stand-in command in manual mode', async () => {
    expect(await located(edit(SITE_YAML, 'mode: manual', 'mode: auto'))).toEqual([
      `${lineWith(SITE_YAML, 'mode:')} adm.mode: expected one of: manual, scripted`,
    ]);
    const text = edit(SITE_YAML, 'mode: manual', 'mode: manual\n  command: /opt/adm/bin/adm');
    expect(await located(text)).toEqual([`${lineWith(text, 'command:')} adm.command: unknown key`]);
  });

  it('reports a YAML syntax error with its line', async () => {
    const text = edit(SITE_YAML, '  approvers: { users: [UAPP1, UAPP2] }', '  approvers: { users: [UAPP1, UAPP2 }');
    const problems = await problemsOf(text);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatchObject({ file: SITE_FILE, line: lineWith(text, 'approvers'), path: '' });
    expect(problems[0]?.message).toMatch(/^YAML syntax: /);
  });

  it('reports a duplicate key as a YAML error at the second key', async () => {
    const text = edit(SITE_YAML, 'name: Test site\n', 'name: Test site\nname: Other\n');
    expect((await problemsOf(text)).map((p) => p.line)).toEqual([lineWith(text, 'name: Other')]);
  });

  it('reports every problem at once, in line order', async () => {
    let text = edit(SITE_YAML, 'address: 10.0.0.12', 'address: 10.0.0.999');
    text = edit(text, 'expiry: 30m', 'expiry: 0m');
    text = edit(text, 'master: redis-a', 'master: redis-x');
    text = edit(text, 'channel: CTEST01', 'channel: test');
    expect((await problemsOf(text)).map((p) => `${p.line} ${p.path}`)).toEqual([
      `${lineWith(text, 'channel')} slack.channel`,
      `${lineWith(text, '10.0.0.999')} hosts[1].address`,
      `${lineWith(text, 'redis-x')} middleware.redis[0].master`,
      `${lineWith(text, 'expiry')} policy.expiry`,
    ]);
  });

  it('says so when the file is empty', async () => {
    expect(await located('# nothing yet\n')).toEqual(['1 : the file is empty']);
  });
});
