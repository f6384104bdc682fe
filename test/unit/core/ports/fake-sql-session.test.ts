import { sqlSessionContract } from '../../../support/contracts/sql-session-contract.ts';
import { FakeSqlSession } from '../../../support/oceanbase/fake-sql-session.ts';

sqlSessionContract('FakeSqlSession', async () => {
  const session = new FakeSqlSession();
  return { session, table: 'contract_t', script: session, close: async () => {} };
});
