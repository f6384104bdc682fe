import { randomUUID } from 'node:crypto';
import { sh } from '../../../src/core/shell-quote.ts';
import { remoteSessionContract } from '../../support/contracts/remote-session-contract.ts';
import { openSession, runnerLab } from './runner-lab.ts';

remoteSessionContract('SSH session on the site lab', async () => {
  const lab = runnerLab();
  const hosts = ['paas-1', 'kafka-1', 'fdfs-3'] as const;
  const scratch = `/tmp/opsgate-contract-${randomUUID()}`;
  await Promise.all(hosts.map((h) => lab.inHost(h, sh`mkdir -p ${scratch}`)));
  // Nothing answers at .250 of the lab's network.
  const ghost = lab.host('ghost', { address: `${lab.net}.250`, readyTimeoutMs: 3000 });
  const opened = openSession([...hosts.map((h) => lab.host(h)), ghost]);
  return {
    session: opened.session,
    hosts,
    unreachable: ghost.name,
    scratch,
    close: async () => {
      await opened.dispose();
      await Promise.all(hosts.map((h) => lab.inHost(h, sh`rm -rf ${scratch}`)));
    },
  };
});
