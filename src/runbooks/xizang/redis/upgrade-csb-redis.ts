import { redisRunbook, type RedisPhase } from './upgrade-redis.ts';

/**
 * `/upgrade <site> csb-redis`: the CSB gateway's Redis, `middleware.csbRedis`, which the seed reinstalls through
 * ADM together with the business middleware. The same phase as the business Redis (`redisRunbook`), over the other
 * list: its own runbook id, plan title, gates, rollback, dry run and data proof (records under its own name).
 */
export const CSB_REDIS: RedisPhase = { id: 'upgrade-csb-redis', list: 'csbRedis', label: 'CSB gateway Redis' };

/** `/upgrade <site> csb-redis`. */
export const upgradeCsbRedis = redisRunbook(CSB_REDIS);
