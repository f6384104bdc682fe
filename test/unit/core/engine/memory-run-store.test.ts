import { runStoreContract } from '../../../support/contracts/run-store-contract.ts';
import { MemoryRunStore } from '../../../support/fakes/memory-run-store.ts';

runStoreContract('MemoryRunStore', async () => ({ store: new MemoryRunStore(), close: async () => {} }));
