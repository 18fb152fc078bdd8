/** RFC 4180 CSV: fields with commas, quotes or line breaks are quoted. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const field = (v: unknown): string => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [header, ...rows].map((r) => r.map(field).join(',')).join('\r\n') + '\r\n';
}
