import { Writable } from 'node:stream';

/** A stream that keeps what `keyward doctor` prints, for the assertions. */
export function sink(): { stream: Writable; text: () => string } {
  let text = '';
  return {
    stream: new Writable({
      write(chunk: Buffer, _encoding, callback) {
        text += chunk.toString('utf8');
        callback();
      },
    }),
    text: () => text,
  };
}

/** The doctor table's row for a check (level + check name) with its wrapped continuation lines, as one line. */
export function tableRow(text: string, check: RegExp): string | undefined {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => check.test(line));
  if (start < 0) return undefined;
  const parts = [lines[start] as string];
  for (const line of lines.slice(start + 1)) {
    if (!/^\s+\S/.test(line)) break;
    parts.push(line.trim());
  }
  return parts.join(' ').replace(/\s+/g, ' ');
}
