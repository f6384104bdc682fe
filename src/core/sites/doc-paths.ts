import type { DocPath } from './site-problem.ts';

/** A value found in a raw (not yet validated) document, with where it is. */
export interface Found {
  readonly path: DocPath;
  readonly value: unknown;
}

/**
 * Every value of a raw document matching a dotted pattern, where `*` stands for every index of a sequence or
 * every key of a map: `middleware.kafka.*.brokers.*`. Parts of the wrong shape are skipped, so checks over
 * references can run even when the schema found errors elsewhere (every problem is reported at once).
 */
export function findAll(doc: unknown, pattern: string): Found[] {
  let found: Found[] = [{ path: [], value: doc }];
  for (const seg of pattern.split('.')) {
    const next: Found[] = [];
    for (const f of found) {
      if (seg === '*') {
        if (Array.isArray(f.value)) f.value.forEach((v, i) => next.push({ path: [...f.path, i], value: v }));
        else if (isRecord(f.value))
          for (const [k, v] of Object.entries(f.value)) next.push({ path: [...f.path, k], value: v });
      } else if (isRecord(f.value) && Object.hasOwn(f.value, seg)) {
        next.push({ path: [...f.path, seg], value: f.value[seg] });
      }
    }
    found = next;
  }
  return found;
}

/** The string values among `findAll`'s results. */
export function findStrings(doc: unknown, pattern: string): { readonly path: DocPath; readonly value: string }[] {
  return findAll(doc, pattern).flatMap((f) => (typeof f.value === 'string' ? [{ path: f.path, value: f.value }] : []));
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
