import type { Paas } from '../../../core/sites/paas-schema.ts';
import type { SiteService } from '../shared/site-services.ts';

/**
 * A platform application: a Java process whose command line holds the site file's `process` text, by default the
 * application's name (its jar, `-jar …/<name>-<version>.jar`), listening on its port when the site file gives one.
 */
export function appService(a: Paas['applications'][number]): SiteService {
  return { name: a.service, process: a.process ?? a.name, ...(a.port === undefined ? {} : { port: a.port }) };
}
