import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server the tests use; scripts/setup.sh installs and starts it when absent. */
export const POSTGRES_ADMIN_URL =
  process.env.GRIDPLANE_TEST_POSTGRES ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';

/** Null when the test server answers, else why it does not. */
export async function postgresUnavailable(): Promise<string | null> {
  const client = new pg.Client({
    connectionString: POSTGRES_ADMIN_URL,
    connectionTimeoutMillis: 10_000,
  });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (e) {
    const where = POSTGRES_ADMIN_URL.replace(/:[^:@/]*@/, ':***@');
    return `PostgreSQL at ${where} is not reachable (${(e as Error).message}); scripts/setup.sh starts it`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A fresh, empty database for one test file; drop() removes it. */
export async function createTestDatabase(prefix = 'gp_test'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}
