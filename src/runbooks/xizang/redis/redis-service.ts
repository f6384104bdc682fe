import type { KeepalivedSpec, RedisReplication } from '../../../core/sites/middleware-schema.ts';
import type { SiteService } from '../shared/site-services.ts';
import { redisCli } from './redis-cli.ts';

/** Where one Redis install lives: its home (bin/redis-server, bin/redis-cli), its config and port. */
export interface RedisInstall {
  readonly home: string;
  readonly config: string;
  readonly port: number;
}

/**
 * The Redis service of an install: the process runs `<home>/bin/redis-server` (Redis sets its title to argv[0]
 * and the listen address), listens on the port and answers PING with the config's password. Off systemd it is
 * stopped with SHUTDOWN through redis-cli and the password: Redis 5.0.5's stock `utils/redis_init_script` stops
 * with `redis-cli -p PORT shutdown` and no password, which an instance with `requirepass` refuses (NOAUTH), and
 * then waits for the pid forever. `startedFrom` is the home the process was started from, when the home has
 * since been moved (its command line keeps the old path).
 */
export function redisService(name: string, at: RedisInstall, startedFrom = at.home): SiteService {
  return {
    name,
    process: `${startedFrom}/bin/redis-server`,
    port: at.port,
    answer: { command: redisCli(at, ['PING']), pattern: '^PONG$' },
    stopWithoutSystemd: `${redisCli(at, ['SHUTDOWN'])} >/dev/null 2>&1; true`,
  };
}

/** The business Redis as installed today (the site file's home and config). */
export function oldRedisService(r: RedisReplication): SiteService {
  return redisService(r.service, r);
}

/** keepalived: the process runs `<home>/sbin/keepalived`; VRRP has no TCP port to look at. */
export function keepalivedService(kl: KeepalivedSpec): SiteService {
  return { name: kl.service, process: `${kl.home}/sbin/keepalived` };
}
