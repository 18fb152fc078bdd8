import { InvalidArgumentError } from 'commander';
import { Labels } from '@gridplane/api';
import { Value } from '@sinclair/typebox/value';

interface Bounds {
  minimum?: number;
  maximum?: number;
}

/**
 * An option parser for a whole number within bounds (pass the API schema's field, so the
 * CLI and the API agree on the limits). A bad value is a usage error.
 */
export function integerIn(bounds: Bounds): (value: string) => number {
  const { minimum = 0, maximum = Number.MAX_SAFE_INTEGER } = bounds;
  return (value) => {
    const n = /^[0-9]+$/.test(value.trim()) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < minimum || n > maximum)
      throw new InvalidArgumentError(`expected a whole number from ${minimum} to ${maximum}.`);
    return n;
  };
}

/** The label key pattern of the API schema (a record's keys are its pattern property). */
const LABEL_KEY = new RegExp(Object.keys(Labels.patternProperties)[0]!);
const MAX_LABEL_KEY = 63;

/** A repeatable `--label key=value` option: collects into one labels object. */
export function collectLabel(value: string, previous: Labels = {}): Labels {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('expected key=value.');
  const key = value.slice(0, eq);
  const labels = { ...previous, [key]: value.slice(eq + 1) };
  if (!LABEL_KEY.test(key) || key.length > MAX_LABEL_KEY || !Value.Check(Labels, labels))
    throw new InvalidArgumentError(
      'a key is letters, digits and . _ / - (starting with a letter or digit, at most 63); a value at most 256 characters; at most 64 labels.',
    );
  return labels;
}

/** The literal values of a TypeBox union of literals (for an option's choices). */
export const literalsOf = (union: { anyOf: { const: unknown }[] }): string[] =>
  union.anyOf.map((s) => String(s.const));
