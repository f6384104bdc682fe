import { isRecord } from './doc-paths.ts';
import { isSecretRef, SecretRefSchema, type SecretRef } from './secret-ref.ts';
import type { DocPath } from './site-problem.ts';

/**
 * Every well-formed secret reference in a (raw or validated) site document, with its path. No other object of
 * the schema has `env` or `file` as its only key, so the shape identifies a reference wherever it is.
 */
export function findSecretRefs(
  doc: unknown,
  path: DocPath = [],
): { readonly path: DocPath; readonly ref: SecretRef }[] {
  if (isSecretRef(doc)) {
    // Malformed ones (a bad name, a path past PATH_MAX) are the schema's to report; resolving them too would only
    // repeat the problem, quoting what the schema never quotes.
    if (!SecretRefSchema.safeParse(doc).success) return [];
    return [{ path, ref: doc }];
  }
  if (Array.isArray(doc)) return doc.flatMap((v, i) => findSecretRefs(v, [...path, i]));
  if (isRecord(doc)) return Object.entries(doc).flatMap(([k, v]) => findSecretRefs(v, [...path, k]));
  return [];
}
