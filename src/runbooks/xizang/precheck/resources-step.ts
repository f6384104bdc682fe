import { findSecretRefs } from '../../../core/sites/find-secret-refs.ts';
import { formatDocPath } from '../../../core/sites/site-problem.ts';
import type { SiteFile } from '../../../core/sites/site-schema.ts';
import { addressOf, hostTargets } from '../shared/xizang-site.ts';
import { describeSecretRef, middlewareInventory } from './middleware-inventory.ts';
import { check, type CheckInput } from './precheck-steps.ts';
import { evidenceCommands } from './precheck-steps-adm.ts';

/**
 * 《业务的中间件资源情况》: per component and host, what runs (process, version read from the software), its usage
 * (clients or connections, memory, disk used and free per data path) and where its credential is kept (the site
 * file's reference, never the value), as Markdown and CSV.
 */
export function resourcesStep(spec: SiteFile): CheckInput {
  const components = middlewareInventory(spec);
  const commands = evidenceCommands(components, true);
  return check({
    id: 'p12-resources',
    title: 'Middleware resources document (业务的中间件资源情况) for the business to confirm',
    targets: hostTargets(commands.map((c) => c.host)),
    commands,
    evaluator: 'precheck.resources',
    evaluatorArgs: {
      site: spec.id,
      login: spec.ssh.user,
      components: components.map((c) => ({
        middleware: c.middleware,
        product: c.product,
        admInstance: c.admInstance,
        mode: c.mode,
        hosts: c.hosts,
        addresses: c.hosts.map((h) => addressOf(spec, h)),
        port: c.port,
        home: c.home,
        credential: c.credential === undefined ? 'none in the site file' : describeSecretRef(c.credential.ref),
      })),
      credentials: findSecretRefs(spec).map((r) => ({
        path: formatDocPath(r.path),
        kept: describeSecretRef(r.ref),
      })),
    },
  });
}
