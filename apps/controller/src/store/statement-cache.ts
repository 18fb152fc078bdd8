import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';

/**
 * Wraps a better-sqlite3 database so that `prepare` reuses compiled statements: Kysely
 * prepares every query it runs, and compiling the same SQL again costs more than running it.
 * The store's single connection runs one statement at a time, so sharing them is safe. When
 * full, the cache drops the statement it has held longest: the controller's statements number
 * far fewer than `max`, so a hit only looks up (keeping the order of use cost as much again).
 */
export function withStatementCache(db: SqliteDatabase, max = 500): SqliteDatabase {
  const cache = new Map<string, Statement>();
  const prepare = (source: string): Statement => {
    let stmt = cache.get(source);
    if (!stmt) {
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
      stmt = db.prepare(source);
      cache.set(source, stmt);
    }
    return stmt;
  };
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === 'prepare') return prepare;
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}
