import { RedisGateStore } from '../../../src/adapters/redis/redis-gate-store.ts';
import { gateStoreContract } from '../../support/contracts/gate-store-contract.ts';
import { RedisTestKeys } from '../../support/redis-test-keys.ts';

gateStoreContract('RedisGateStore (each replica on its own connection)', async () => {
  const keys = new RedisTestKeys();
  const replica = async () => new RedisGateStore({ redis: keys.connect(), prefix: keys.prefix });
  return { store: await replica(), replica, close: () => keys.close() };
});
