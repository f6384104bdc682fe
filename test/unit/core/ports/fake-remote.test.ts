import { remoteSessionContract } from '../../../support/contracts/remote-session-contract.ts';
import { FakeRemote } from '../../../support/fakes/fake-remote.ts';

remoteSessionContract('FakeRemote', async () => {
  const hosts = ['host-a', 'host-b', 'host-c'] as const;
  const remote = new FakeRemote({ hosts: [...hosts, 'ghost'] });
  remote.unreachable.add('ghost');
  return { session: remote, hosts, unreachable: 'ghost', scratch: '/tmp/opsgate-contract', close: async () => {} };
});
