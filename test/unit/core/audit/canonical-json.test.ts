import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../../../src/core/audit/canonical-json.ts';

describe('canonicalJson', () => {
  it('writes the same text whatever order the keys were built in', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: 'é' } })).toBe(
      '{"a":{"c":"é","d":[1,{"x":1,"y":2}]},"b":1}',
    );
    expect(canonicalJson({ a: { c: 'é', d: [1, { x: 1, y: 2 }] }, b: 1 })).toBe(
      canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: 'é' } }),
    );
  });

  it('leaves out undefined properties as JSON does', () => {
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
  });

  it('accepts a shared (not cyclic) object twice', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
  });

  it.each<[string, unknown, string]>([
    ['Infinity', { n: Infinity }, 'data.n is Infinity'],
    ['a Map', { m: new Map() }, 'data.m is a Map, not a plain object'],
    ['a class instance', { e: new Error('x') }, 'data.e is a Error'],
    ['a symbol', { s: Symbol('s') }, 'data.s is a symbol'],
    ['undefined in an array', { list: [1, undefined] }, 'data.list[1] is undefined'],
    // eslint-disable-next-line no-sparse-arrays -- a hole is exactly what this row feeds in
    ['a sparse array', { list: [1, , 3] }, 'data.list[1] is undefined'],
  ])('refuses %s, naming its path', (_what, value, message) => {
    expect(() => canonicalJson(value, 'data')).toThrow(message);
  });
});
