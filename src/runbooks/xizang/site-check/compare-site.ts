import type { SiteDifference } from '../../../core/sites/site-difference.ts';
import type { SiteFile } from '../../../core/sites/site-schema.ts';
import { compareFastdfs } from './compare-fastdfs.ts';
import { compareKafka } from './compare-kafka.ts';
import { compareRedis } from './compare-redis.ts';
import type { SiteReading } from './read-site.ts';

/**
 * Every difference between the site file's middleware and what the live site answered, in the order of the file:
 * a pure function of the file and the reading, so that `opsgate sites check`, a precheck item and a run's first
 * step judge the same way. Hosts that could not be read give no difference here: the caller reports them (the site
 * cannot be judged, which is not the same as drift).
 */
export function compareSite(spec: SiteFile, reading: SiteReading): SiteDifference[] {
  const m = spec.middleware;
  return [
    ...m.redis.flatMap((_, i) => compareRedis(spec, 'redis', i, reading)),
    ...m.csbRedis.flatMap((_, i) => compareRedis(spec, 'csbRedis', i, reading)),
    ...m.kafka.flatMap((_, i) => compareKafka(spec, i, reading)),
    ...m.fastdfs.flatMap((_, i) => compareFastdfs(spec, i, reading)),
  ];
}
