import type { Redis } from 'ioredis';
import { REPLAY_WINDOW_MS, type ReplayGuard } from '../../core/ports/replay-guard.ts';

/**
 * One key per handled request, `<prefix>slack:seen:<request key>` (`…slack:seen:cmd:<trigger_id>`), set with
 * `SET … NX PX`: the first process to set it handles the request; every later one (another replica, or this bot
 * after a restart) sees a replay. The key expires on its own after `ttlMs`.
 */
export class RedisReplayGuard implements ReplayGuard {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs = REPLAY_WINDOW_MS,
  ) {}

  async firstTime(key: string): Promise<boolean> {
    return (await this.redis.set(`${this.prefix}slack:seen:${key}`, '1', 'PX', this.ttlMs, 'NX')) === 'OK';
  }
}
