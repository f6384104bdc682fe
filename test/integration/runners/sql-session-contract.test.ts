import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { createSqlSession } from '../../../src/runners/sql/create-sql-session.ts';
import { SERVER_ANSWERS_ITSELF, sqlSessionContract } from '../../support/contracts/sql-session-contract.ts';
import { createObFixture, uniqueFixtureName, type ObFixture } from '../../support/oceanbase/ob-fixture.ts';

// One fixture database for the file (a session accepts only a database marked as the fixture), a table per test.
let fixture: ObFixture;
beforeAll(async () => {
  fixture = await createObFixture({ database: uniqueFixtureName() });
});
afterAll(async () => {
  await fixture?.drop();
});

sqlSessionContract('mysql2 session on the MariaDB fixture', async () => {
  const table = `contract_${randomBytes(4).toString('hex')}`;
  await fixture.exec(`CREATE TABLE \`${table}\` (id INT PRIMARY KEY, name VARCHAR(32) NOT NULL)`);
  const session = await createSqlSession(fixture.endpoint);
  return {
    session,
    table,
    script: SERVER_ANSWERS_ITSELF,
    close: async () => {
      await session.close();
      await fixture.exec(`DROP TABLE IF EXISTS \`${table}\``);
    },
  };
});
