/**
 * Deterministic JSON for hashing: the same value always yields the same bytes, whatever the key order
 * it was built with or read back in (PostgreSQL `jsonb` reorders keys), so a hash computed at append
 * time can be recomputed from the stored row.
 *
 * Rules: object keys sorted by UTF-16 code unit; `undefined` object members dropped (as JSON.stringify
 * does, and as a jsonb round-trip does); `undefined` in arrays becomes `null`; Dates become ISO-8601
 * strings. Values JSON cannot represent faithfully (NaN, Infinity, bigint, functions, symbols, cycles)
 * throw instead of being silently rewritten — a hash over a lossy form would not survive storage.
 */
export function canonicalJson(value: unknown): string {
  return write(value, new Set<object>());
}

function write(value: unknown, seen: Set<object>): string {
  if (value === null) return 'null';
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError('canonicalJson: invalid Date');
    return JSON.stringify(value.toISOString());
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: non-finite number ${String(value)}`);
      return JSON.stringify(value);
    case 'object':
      return writeObject(value, seen);
    default:
      throw new TypeError(`canonicalJson: unsupported ${typeof value}`);
  }
}

function writeObject(value: object, seen: Set<object>): string {
  if (seen.has(value)) throw new TypeError('canonicalJson: circular structure');
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      return `[${value.map((item: unknown) => (item === undefined ? 'null' : write(item, seen))).join(',')}]`;
    }
    const record = value as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const member = record[key];
      if (member === undefined) continue;
      parts.push(`${JSON.stringify(key)}:${write(member, seen)}`);
    }
    return `{${parts.join(',')}}`;
  } finally {
    seen.delete(value);
  }
}
