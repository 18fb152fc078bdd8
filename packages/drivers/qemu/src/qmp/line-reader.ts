/** Splits a byte stream into text lines; a line cut across chunks waits for its end. */
export class LineReader {
  private rest = '';

  /** The complete, non-empty lines this chunk finishes. */
  push(chunk: Buffer | string): string[] {
    const parts = (this.rest + chunk.toString()).split('\n');
    this.rest = parts.pop() ?? '';
    return parts.map((l) => l.trim()).filter((l) => l.length > 0);
  }
}
