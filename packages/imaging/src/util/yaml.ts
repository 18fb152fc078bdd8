/**
 * A YAML emitter for configuration documents (cloud-init): block style for mappings and
 * sequences, every scalar in JSON form (a JSON scalar is a valid YAML scalar), so no value
 * can change the document's structure.
 */
type Yaml = string | number | boolean | null | Yaml[] | { [key: string]: Yaml };

const key = (k: string) => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? k : JSON.stringify(k));

function isEmpty(v: Yaml): boolean {
  return typeof v === 'object' && v !== null && Object.keys(v).length === 0;
}

function lines(value: Yaml, indent: string): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((item) => {
      if (typeof item !== 'object' || item === null || isEmpty(item)) {
        return [`${indent}- ${scalar(item)}`];
      }
      const [first, ...rest] = lines(item, `${indent}  `);
      return [`${indent}- ${first!.trimStart()}`, ...rest];
    });
  }
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) =>
      typeof v === 'object' && v !== null && !isEmpty(v)
        ? [`${indent}${key(k)}:`, ...lines(v, `${indent}  `)]
        : [`${indent}${key(k)}: ${scalar(v)}`],
    );
  }
  return [`${indent}${scalar(value)}`];
}

function scalar(v: Yaml): string {
  if (Array.isArray(v)) return '[]';
  if (typeof v === 'object' && v !== null) return '{}';
  return JSON.stringify(v);
}

export function toYaml(value: Yaml): string {
  return lines(value, '').join('\n') + '\n';
}

export type { Yaml };
