import fastJson from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify/types/schema.js';
import { serializationSchema } from './serialization-schema.js';

const cache = new WeakMap<object, (doc: unknown) => string>();

/**
 * Response serializers, compiled once per schema object and shared by every Fastify instance
 * in the process. A process that serves many agents (a simulated grid) would otherwise build
 * the same serializers once per agent, which dominates its start-up. Each is compiled from the
 * schema's serialization form (see serializationSchema).
 */
export const serializerCompiler: FastifySerializerCompiler<object> = ({ schema }) => {
  let fn = cache.get(schema);
  if (!fn) {
    fn = fastJson(serializationSchema(schema) as Parameters<typeof fastJson>[0]);
    cache.set(schema, fn);
  }
  return fn;
};
