import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

const make = (coerceTypes: boolean) => {
  const ajv = new Ajv({
    allErrors: true,
    coerceTypes,
    // Unknown fields are errors, never silently dropped.
    removeAdditional: false,
    useDefaults: false,
    strict: false,
  });
  addFormats.default(ajv);
  return ajv;
};

/**
 * Bodies are validated strictly: a string is not a number and an unknown field is an error.
 * Query strings and path parameters arrive as text, so their numbers and booleans are coerced.
 */
const strict = make(false);
const coercing = make(true);
/** Compiled validators per schema object, shared by every Fastify instance in the process. */
const compiled = {
  strict: new WeakMap<object, ValidateFunction>(),
  coercing: new WeakMap<object, ValidateFunction>(),
};

export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
  const [ajv, cache] =
    httpPart === 'body' ? [strict, compiled.strict] : [coercing, compiled.coercing];
  let fn = cache.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    cache.set(schema, fn);
  }
  const validate = fn;
  return (data: unknown) =>
    validate(data)
      ? { value: data }
      : { error: Object.assign(new Error('invalid'), { validation: validate.errors }) };
};
