/** One column of a table: its header and how to show a row's cell. */
export interface Column<T> {
  header: string;
  value(row: T): string;
  /** Numbers read better right-aligned. */
  align?: 'left' | 'right';
}

const GAP = '  ';

/**
 * A plain-text table: a header line, then one line per row, columns padded to their widest
 * cell and separated by two spaces. The last column is not padded (no trailing spaces).
 */
export function renderTable<T>(columns: readonly Column<T>[], rows: readonly T[]): string {
  const cells = [columns.map((c) => c.header), ...rows.map((r) => columns.map((c) => c.value(r)))];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => line[i]!.length)));
  return cells
    .map((line) =>
      line
        .map((cell, i) => {
          const last = i === columns.length - 1;
          if (columns[i]!.align === 'right') return cell.padStart(widths[i]!);
          return last ? cell : cell.padEnd(widths[i]!);
        })
        .join(GAP)
        .trimEnd(),
    )
    .join('\n');
}

/** Label/value lines for a `show` command: labels padded to one width. */
export function renderFields(fields: readonly (readonly [string, string])[]): string {
  const width = Math.max(...fields.map(([label]) => label.length)) + 1;
  return fields.map(([label, value]) => `${`${label}:`.padEnd(width)}  ${value}`).join('\n');
}

/** A titled block of a `show` command, its body indented. */
export function renderSection(title: string, body: string): string {
  return `\n\n${title}:\n${body
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n')}`;
}
