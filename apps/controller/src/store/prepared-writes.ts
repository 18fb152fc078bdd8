import type { Compilable, Insertable, Kysely, QueryResult, Updateable } from 'kysely';
import { Prepared } from './prepared.js';
import type { Database } from './schema.js';

type Table = keyof Database & string;
type Values = Record<string, unknown>;
// The builders below are built from column names known only at run time, so they are
// typed loosely; the methods' signatures carry the tables' row types.
type LooseDb = Kysely<Record<string, Values>>;
type InsertBuilder = ReturnType<ReturnType<LooseDb['insertInto']>['values']>;

/** Statements of one shape worth compiling once: a row count above this is built each time. */
const MAX_PREPARED_ROWS = 8;

/** The columns a row sets: those with a value (Kysely leaves undefined ones out too). */
const columnsOf = (row: Values) => Object.keys(row).filter((c) => row[c] !== undefined);

const sameColumns = (row: Values, columns: readonly string[]) =>
  columnsOf(row).length === columns.length && columns.every((c) => row[c] !== undefined);

/**
 * An insert into one table, compiled once per column list and row count (see Prepared), for
 * the inserts every launch makes. `extend` adds what the statement always has (an upsert
 * clause, a returning list). Rows that set different columns, or many rows, are built anew.
 */
export class PreparedInsert<T extends Table, R = unknown> {
  private readonly shapes = new Map<string, Prepared<unknown[], R>>();

  constructor(
    private readonly table: T,
    private readonly extend: (q: InsertBuilder) => Compilable<R> = (q) => q as Compilable<R>,
  ) {}

  run(db: Kysely<Database>, rows: readonly Insertable<Database[T]>[]): Promise<QueryResult<R>> {
    const loose = rows as readonly Values[];
    const columns = columnsOf(loose[0] ?? {});
    if (
      loose.length === 0 ||
      loose.length > MAX_PREPARED_ROWS ||
      !loose.every((r) => sameColumns(r, columns))
    ) {
      return db.executeQuery(this.build(db as unknown as LooseDb, loose).compile());
    }
    const key = `${columns.join()}|${loose.length}`;
    let q = this.shapes.get(key);
    if (!q) {
      const n = loose.length;
      q = new Prepared((d, ...values: unknown[]) =>
        this.build(
          d as unknown as LooseDb,
          Array.from({ length: n }, (_, r) =>
            Object.fromEntries(columns.map((c, i) => [c, values[r * columns.length + i]])),
          ),
        ),
      );
      this.shapes.set(key, q);
    }
    return q.execute(db, ...loose.flatMap((r) => columns.map((c) => r[c])));
  }

  private build(db: LooseDb, rows: readonly Values[]): Compilable<R> {
    return this.extend(db.insertInto(this.table as string).values(rows as Values[]));
  }
}

/** An update of one row by its `id`, compiled once per set of columns it sets. */
export class PreparedUpdate<T extends Table> {
  private readonly shapes = new Map<string, Prepared<unknown[], unknown>>();

  constructor(private readonly table: T) {}

  /** How many rows it changed (0 or 1). */
  async run(db: Kysely<Database>, id: string, patch: Updateable<Database[T]>): Promise<number> {
    const values = patch as Values;
    const columns = columnsOf(values);
    const key = columns.join();
    let q = this.shapes.get(key);
    if (!q) {
      q = new Prepared((d, rowId: unknown, ...set: unknown[]) =>
        (d as unknown as LooseDb)
          .updateTable(this.table as string)
          .set(Object.fromEntries(columns.map((c, i) => [c, set[i]])))
          .where('id', '=', rowId),
      );
      this.shapes.set(key, q);
    }
    return q.changed(db, id, ...columns.map((c) => values[c]));
  }
}
