import { siteLockContract } from '../../../support/contracts/site-lock-contract.ts';
import { MemorySiteLock } from '../../../support/fakes/memory-site-lock.ts';

siteLockContract('MemorySiteLock', async () => {
  const lock = new MemorySiteLock();
  return { lock, replica: async () => lock, close: async () => {} };
});
