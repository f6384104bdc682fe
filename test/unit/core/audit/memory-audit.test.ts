import { auditLogContract } from '../../../support/contracts/audit-log-contract.ts';
import { MemoryAudit } from '../../../support/fakes/memory-audit.ts';

auditLogContract('MemoryAudit', async () => {
  const log = new MemoryAudit();
  return { log, rewrite: (site, mutate) => log.rewrite(site, mutate), close: async () => {} };
});
