type Schema = Record<string, unknown>;

const isObject = (v: unknown): v is Schema => typeof v === 'object' && v !== null;
const isNull = (s: unknown) => isObject(s) && s.type === 'null';
const isStringConst = (s: unknown) => isObject(s) && typeof s.const === 'string';

/**
 * The schema a response serializer needs, which is less than its validator's: what to write,
 * not what to check. fast-json-stringify picks a branch of an `anyOf` by validating the value
 * against each branch, on every response: a union of string literals (every enum of the API)
 * becomes a plain string, a union with null becomes its other branch made nullable, and
 * patterns are dropped (they check, they do not shape). The output is the same JSON.
 */
export function serializationSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(serializationSchema);
  if (!isObject(schema)) return schema;
  const anyOf = schema.anyOf;
  if (Array.isArray(anyOf)) {
    const rest = without(schema, 'anyOf');
    if (anyOf.length > 0 && anyOf.every(isStringConst)) return { ...rest, type: 'string' };
    const others = anyOf.filter((s) => !isNull(s));
    if (others.length === 1 && anyOf.length === 2) {
      const other = serializationSchema(others[0]) as Schema;
      if (!Array.isArray(other.anyOf)) return { ...rest, ...other, nullable: true };
    }
  }
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'pattern') continue;
    out[key] = key === 'const' || key === 'enum' ? value : serializationSchema(value);
  }
  return out;
}

function without(schema: Schema, key: string): Schema {
  const { [key]: _dropped, ...rest } = schema;
  return rest;
}
