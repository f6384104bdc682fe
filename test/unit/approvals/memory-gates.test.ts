import { gateStoreContract } from '../../support/contracts/gate-store-contract.ts';
import { MemoryGates } from '../../support/fakes/memory-gates.ts';

gateStoreContract('MemoryGates', async () => {
  const store = new MemoryGates();
  return { store, replica: async () => store, close: async () => {} };
});
