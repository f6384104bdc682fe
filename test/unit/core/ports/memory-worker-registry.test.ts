import { workerRegistryContract } from '../../../support/contracts/worker-registry-contract.ts';
import { MemoryWorkerRegistry } from '../../../support/fakes/memory-worker-registry.ts';

workerRegistryContract('MemoryWorkerRegistry', async () => ({
  registry: new MemoryWorkerRegistry(),
  close: async () => {},
}));
