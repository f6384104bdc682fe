/**
 * Serialises `value` as JSON with object keys sorted at every level, so that the same record always hashes the
 * same way whatever order its fields were built in. Accepts only what survives a JSON round trip unchanged:
 * null, booleans, finite numbers, strings, arrays and plain objects; `undefined` object properties are left
 * out, as JSON does. Anything else (a function, a Date, a Map, NaN, a bigint, a cycle) throws a `TypeError`
 * naming its path, e.g. `data.hosts[2].since`.
 */
export function canonicalJson(value: unknown, path = 'value'): string {
  return write(value, path, new Set());
}

function write(value: unknown, path: string, seen: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${path} is ${value}, which JSON cannot represent`);
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new TypeError(`${path} is a ${typeof value}, which JSON cannot represent`);
  }
  if (seen.has(value)) throw new TypeError(`${path} refers back to itself (a cycle)`);
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      const items: string[] = [];
      for (let i = 0; i < value.length; i++) {
        if (!(i in value) || value[i] === undefined) throw new TypeError(`${path}[${i}] is undefined`);
        items.push(write(value[i], `${path}[${i}]`, seen));
      }
      return `[${items.join(',')}]`;
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const name = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      throw new TypeError(`${path} is a ${name}, not a plain object`);
    }
    const record = value as Record<string, unknown>;
    const parts: string[] = [];
    for (const key of Object.keys(record).sort()) {
      if (record[key] === undefined) continue;
      parts.push(`${JSON.stringify(key)}:${write(record[key], `${path}.${key}`, seen)}`);
    }
    return `{${parts.join(',')}}`;
  } finally {
    seen.delete(value);
  }
}
