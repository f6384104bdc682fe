import { isRecord } from './doc-paths.ts';
import { isSecretRef, type SecretRef } from './secret-ref.ts';

/**
 * Secret names: paths to a secret reference of a site file, as a step's `stdin` names them. Keys are joined
 * with dots; a list entry is picked by its `name` (`[business-redis]`) or by its index (`[0]`):
 * `middleware.redis[business-redis].password`, `oceanbase[obcluster].sys.password`, `ssh.password`.
 */

type Segment = { readonly key: string } | { readonly pick: string };

const SEGMENT = /^(?:\.?([A-Za-z_][A-Za-z0-9_-]*)|\[([^\][\s]+)\])/;

/** The segments of a secret name; undefined when it is not one. */
export function parseSecretName(name: string): Segment[] | undefined {
  const out: Segment[] = [];
  let rest = name;
  while (rest.length > 0) {
    const m = SEGMENT.exec(rest);
    if (m === null || (out.length === 0 && rest.startsWith('.'))) return undefined;
    out.push(m[1] !== undefined ? { key: m[1] } : { pick: m[2] ?? '' });
    rest = rest.slice(m[0].length);
  }
  return out.length > 0 ? out : undefined;
}

/** The secret reference `name` points at in a (validated) site document; undefined when there is none. */
export function secretRefAt(doc: unknown, name: string): SecretRef | undefined {
  const segments = parseSecretName(name);
  if (segments === undefined) return undefined;
  let at: unknown = doc;
  for (const seg of segments) {
    if ('key' in seg) at = isRecord(at) && Object.hasOwn(at, seg.key) ? at[seg.key] : undefined;
    else at = Array.isArray(at) ? pick(at, seg.pick) : undefined;
    if (at === undefined) return undefined;
  }
  return isSecretRef(at) ? at : undefined;
}

/** The entry named `sel`, else (for digits) the entry at that index. */
function pick(list: readonly unknown[], sel: string): unknown {
  const named = list.find((v) => isRecord(v) && v.name === sel);
  if (named !== undefined) return named;
  return /^\d+$/.test(sel) ? list[Number(sel)] : undefined;
}

/** The name of the `password` secret of a named entry of a site list (`middleware.redis`, `business-redis`). */
export function secretNameOf(list: string, entry: string, field = 'password'): string {
  return `${list}[${entry}].${field}`;
}
