import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { Database } from './schema.js';

/** A compiled query whose parameters are the arguments' indexes, or constants of the query. */
interface Template {
  compiled: CompiledQuery;
  parameters: readonly (number | { value: unknown })[];
}

/** Stands for argument `i` while the query is built: a value no real argument takes. */
const placeholder = (i: number) => `\u0000gridplane-argument-${i}\u0000`;

/**
 * A query of a fixed shape, built and compiled once per store (per dialect) and then run with
 * new arguments: building and compiling a query in Kysely costs more than SQLite takes to run
 * a simple one. `build` is given placeholders for its arguments and must use each one as a
 * value only (a parameter of the query), never to decide the query's shape; a placeholder
 * that does not come out as a parameter is refused when the query is first compiled.
 */
export class Prepared<A extends readonly unknown[], R> {
  /** By the store's dialect adapter, which its transactions share. */
  private readonly templates = new WeakMap<object, Template>();

  constructor(private readonly build: (db: Kysely<Database>, ...args: A) => Compilable<R>) {}

  execute(db: Kysely<Database>, ...args: A): Promise<QueryResult<R>> {
    const adapter = db.getExecutor().adapter;
    let t = this.templates.get(adapter);
    if (!t) {
      t = this.compile(db, args.length);
      this.templates.set(adapter, t);
    }
    const parameters = t.parameters.map((p) => (typeof p === 'number' ? args[p] : p.value));
    return db.executeQuery<R>({ ...t.compiled, parameters });
  }

  /** The rows the query returns. */
  async rows(db: Kysely<Database>, ...args: A): Promise<R[]> {
    return (await this.execute(db, ...args)).rows;
  }

  /** How many rows the statement changed. */
  async changed(db: Kysely<Database>, ...args: A): Promise<number> {
    return Number((await this.execute(db, ...args)).numAffectedRows ?? 0);
  }

  private compile(db: Kysely<Database>, arity: number): Template {
    const slots = Array.from({ length: arity }, (_, i) => placeholder(i));
    const compiled = this.build(db, ...(slots as unknown as A)).compile();
    const parameters = compiled.parameters.map((p) => {
      const i = typeof p === 'string' ? slots.indexOf(p) : -1;
      return i >= 0 ? i : { value: p };
    });
    const missing = slots.findIndex((_, i) => !parameters.includes(i));
    if (missing >= 0)
      throw new Error(`prepared query: argument ${missing} is not a parameter of ${compiled.sql}`);
    return { compiled, parameters };
  }
}
