import { canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts keys at every depth so key order does not change the output', () => {
    const a = canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: 'x' } });
    const b = canonicalJson({ a: { c: 'x', d: [1, { y: 2, z: 1 }] }, b: 1 });
    expect(a).toBe(b);
    expect(a).toBe('{"a":{"c":"x","d":[1,{"y":2,"z":1}]},"b":1}');
  });

  it('drops undefined members and writes undefined array items as null, like a jsonb round-trip', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 1] })).toBe('{"b":[null,1]}');
  });

  it('writes Dates as ISO strings, equal to the string form read back from storage', () => {
    const at = new Date('2025-01-02T03:04:05.678Z');
    expect(canonicalJson({ at })).toBe('{"at":"2025-01-02T03:04:05.678Z"}');
    expect(canonicalJson({ at })).toBe(canonicalJson({ at: at.toISOString() }));
  });

  it('escapes strings exactly as JSON does', () => {
    expect(canonicalJson('a"b\n\u00e9')).toBe(JSON.stringify('a"b\n\u00e9'));
  });

  it('refuses values JSON would silently rewrite', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ n: Infinity })).toThrow(TypeError);
    expect(() => canonicalJson({ n: 1n })).toThrow(TypeError);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(TypeError);
    expect(() => canonicalJson(new Date('nope'))).toThrow(TypeError);
  });

  it('refuses cycles but accepts the same object twice', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/circular/);
  });
});
