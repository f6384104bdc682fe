import type { LoadSiteDeps } from '../../../../src/adapters/files/load-site.ts';

/** A small valid site file; tests edit one line of it and expect the problem at that line. */
export const SITE_YAML = `id: testsite
name: Test site
slack:
  channel: CTEST01
ssh:
  user: root
  privateKey: { env: TEST_SSH_KEY }
  knownHosts: { file: secrets/known_hosts }
hosts:
  - { name: app-1, address: 10.0.0.11, groups: [paas] }
  - { name: app-2, address: 10.0.0.12, groups: [paas] }
  - name: redis-a
    address: 10.0.0.21
  - { name: redis-b, address: redis-b.example.com, port: 2222 }
middleware:
  redis:
    - name: business-redis
      admInstance: ACME-Redis-A
      master: redis-a
      replicas: [redis-b]
      vip: 10.0.0.100
      password: { env: TEST_REDIS_PASSWORD }
      home: /app/soft/redis-5.0.5
      data: /app/redis_data
      config: /etc/redis/redis.conf
adm:
  mode: manual
  markers: /app/adm/instances
  naming: { pattern: "^ACME-.+-[A-Z]$", example: ACME-Redis-A }
policy:
  starters: { users: [UOPS] }
  approvers: { users: [UAPP1, UAPP2] }
  expiry: 30m
`;

export const SITE_FILE = '/sites/testsite.yml';
export const SSH_KEY =
  '-----BEGIN OPENSSH PRIVATE KEY-----\nkey-material-do-not-print\n-----END OPENSSH PRIVATE KEY-----\n';
export const REDIS_PASSWORD = 'redis-pw-do-not-print';

/** Replaces exactly one occurrence of `from` (the test fails loudly if the fixture changed). */
export function edit(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0)
    throw new Error(`fixture edit: "${from}" is not in the fixture exactly once`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** Inserts top-level lines just before the fixture's `adm:` section. */
export function beforeAdm(text: string, lines: readonly string[]): string {
  return edit(text, 'adm:\n', [...lines, 'adm:\n'].join('\n'));
}

/** The 1-based line of the first line containing `needle`. */
export function lineWith(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`fixture: no line contains "${needle}"`);
  return i + 1;
}

/** Deps reading from an in-memory set of files, with the fixture's secrets present. */
export function memoryDeps(files: Record<string, string>, env: Record<string, string> = {}): LoadSiteDeps {
  const all: Record<string, string> = { '/sites/secrets/known_hosts': 'app-1 ssh-ed25519 AAAA\n', ...files };
  return {
    env: { TEST_SSH_KEY: SSH_KEY, TEST_REDIS_PASSWORD: REDIS_PASSWORD, ...env },
    readFile: async (path) => {
      const text = all[path];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return text;
    },
  };
}
