import { beforeAll, describe, expect, it } from 'vitest';
import { toSite, type Site } from '../../../../src/core/sites/site.ts';
import type { Plan } from '../../../../src/core/plan/step-schema.ts';
import { secretRefAt } from '../../../../src/core/sites/secret-at.ts';
import type { SiteFile } from '../../../../src/core/sites/site-schema.ts';
import { evaluate, labXizang, registry } from './xizang-fixture.ts';

let site: Site;
let plan: Plan;
beforeAll(async () => {
  site = await labXizang();
  plan = registry.buildPlan('precheck', site, {});
});

const access = (p: Plan) => p.steps.find((s) => s.id === 'p01-access');

describe('precheck item 1: the site file Redis passwords', () => {
  it('gives each Redis host the site file password of its instance on stdin, by name', () => {
    const byHost = Object.fromEntries((access(plan)?.commands ?? []).map((c) => [c.host, c]));
    expect(byHost['redis-a']?.stdin).toEqual({ secrets: ['middleware.redis[business-redis].password'] });
    expect(byHost['redis-b']?.stdin).toEqual({ secrets: ['middleware.redis[business-redis].password'] });
    for (const h of ['csb-redis-a', 'csb-redis-b'])
      expect(byHost[h]?.stdin).toEqual({ secrets: ['middleware.csbRedis[csb-redis].password'] });
    expect(byHost['kafka-1']?.stdin).toBeUndefined();
    for (const c of Object.values(byHost))
      for (const name of c.stdin?.secrets ?? []) expect(secretRefAt(site.spec, name), name).toBeDefined();
    const cmd = byHost['redis-a']?.command ?? '';
    expect(cmd).toMatch(/^IFS= read -r OPSGATE_SECRET_1; exec <\/dev\/null; /);
    expect(cmd).toContain(
      'REDISCLI_AUTH="$OPSGATE_SECRET_1" /app/soft/redis-5.0.5/bin/redis-cli -h 127.0.0.1 -p 6379 PING',
    );
    expect(cmd).not.toMatch(/redis-cli[^;]* -a /);
  });

  it('covers cluster nodes and redis-proxy, each password read once per host', () => {
    const spec = site.spec as SiteFile;
    const more: SiteFile = {
      ...spec,
      middleware: {
        ...spec.middleware,
        redisClusters: [
          {
            name: 'rc',
            admInstance: 'x',
            nodes: [
              { host: 'kafka-1', port: 7000 },
              { host: 'kafka-1', port: 7001 },
            ],
            password: { file: 'rc' },
            home: '/r',
            data: '/d',
            config: '/r/c.conf',
            service: 'redis',
          },
        ],
        redisProxies: [
          {
            name: 'rp',
            admInstance: 'y',
            master: 'redis-a',
            replicas: [],
            port: 6380,
            password: { file: 'rp' },
            home: '/p',
            config: '/p/c.conf',
            service: 'redis-proxy',
          },
        ],
      },
    };
    const p = registry.buildPlan('precheck', toSite(more), {});
    const byHost = Object.fromEntries((access(p)?.commands ?? []).map((c) => [c.host, c]));
    expect(byHost['kafka-1']?.stdin).toEqual({ secrets: ['middleware.redisClusters[rc].password'] });
    expect(byHost['kafka-1']?.command).toContain("@@ redis-auth rc:7000'");
    expect(byHost['kafka-1']?.command).toContain("@@ redis-auth rc:7001'");
    expect(byHost['redis-a']?.stdin).toEqual({
      secrets: ['middleware.redis[business-redis].password', 'middleware.redisProxies[rp].password'],
    });
    expect(byHost['redis-a']?.command).toMatch(
      /^IFS= read -r OPSGATE_SECRET_1; IFS= read -r OPSGATE_SECRET_2; exec <\/dev\/null; /,
    );
    expect(byHost['redis-a']?.command).toContain(
      'REDISCLI_AUTH="$OPSGATE_SECRET_2" /p/bin/redis-cli -h 127.0.0.1 -p 6380 PING',
    );
  });

  it('passes PONG, fails a refused password naming instance and host, and warns when redis.conf differs', () => {
    const f = evaluate(plan, 'p01-access', {
      'redis-a':
        '@@ redis-auth business-redis:6379\nAUTH failed: WRONGPASS invalid username-password pair or user is disabled.\nNOAUTH Authentication required.\nredis.conf: differs\n',
      'redis-b': '@@ redis-auth business-redis:6379\nPONG\nredis.conf: same\n',
      'csb-redis': '@@ redis-auth csb-redis:6379\nPONG\nredis.conf: differs\n',
      'kafka-1':
        '@@ redis-auth rc:7000\nAUTH failed: ERR Client sent AUTH, but no password is set\nPONG\nredis.conf: no requirepass\n',
    }).filter((x) => x.title.startsWith('Redis'));
    expect(f.map((x) => `${x.host ?? ''} ${x.status}`)).toEqual([
      'redis-a fail',
      'redis-b pass',
      'csb-redis pass',
      'csb-redis warn',
      'kafka-1 fail',
    ]);
    expect(f[0]?.evidence).toBe(
      "business-redis on redis-a refused the site file's password: AUTH failed: WRONGPASS invalid username-password pair or user is disabled. | NOAUTH Authentication required.; redis.conf has another requirepass: is the site file out of date?",
    );
    expect(f[3]?.evidence).toContain('csb-redis on csb-redis accepts the site file');
    expect(f[4]?.evidence).toMatch(/^rc on kafka-1 refused .*no password is set.*; redis\.conf sets no requirepass$/);
  });
});
