import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresAdapter, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { withStatementCache } from './statement-cache.js';
import { WalCheckpointer } from './wal-checkpointer.js';

export type Dialect = 'sqlite' | 'postgres';

/**
 * Whether `db` (the store or one of its transactions) runs on PostgreSQL: where row and
 * advisory locks are needed, as SQLite runs one write transaction at a time.
 */
export const onPostgres = (db: Kysely<Database>): boolean =>
  db.getExecutor().adapter instanceof PostgresAdapter;

export interface StoreConnection {
  db: Kysely<Database>;
  dialect: Dialect;
  /** The location, without credentials, for logs. */
  describe: string;
  /**
   * A value that changes whenever anything in the store may have changed, read without a
   * query; present only where it is exact (SQLite, whose file this controller owns).
   */
  changeVersion?: () => string;
  /** SQLite in a file: the thread that checkpoints its write-ahead log. */
  checkpointer?: WalCheckpointer | null;
  close(): Promise<void>;
}

// PostgreSQL int8 (bigint) columns hold millisecond times and sums; they fit a double.
pg.types.setTypeParser(20, (v) => Number(v));

/**
 * Opens the store named by `url`: `postgres://…` for PostgreSQL, otherwise a SQLite file
 * path (optionally `sqlite:` prefixed). SQLite runs in WAL mode with one connection.
 */
export function connectStore(url: string, options: { poolSize?: number } = {}): StoreConnection {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
    // A connection the server ends while idle (a restart, or the end of a pool whose clients
    // are still closing) must not crash the process: the next query opens a new one.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    const safe = new URL(url);
    safe.password = '';
    return {
      db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
      dialect: 'postgres',
      describe: safe.toString(),
      close: () => pool.end(),
    };
  }
  const path = url.replace(/^sqlite:/, '');
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SqliteDatabase(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
  });
  // Rows changed by this connection, and commits by any other connection to the file.
  const changes = sqlite.prepare('select total_changes()').pluck();
  const dataVersion = sqlite.prepare('pragma data_version').pluck();
  const changeVersion = () => `${String(changes.get())}:${String(dataVersion.get())}`;
  const checkpointer = path === ':memory:' ? null : WalCheckpointer.start(sqlite, path);
  const close = async () => {
    await checkpointer?.close();
    await db.destroy();
  };
  return { db, dialect: 'sqlite', describe: path, changeVersion, checkpointer, close };
}
