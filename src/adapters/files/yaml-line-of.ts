import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { DocPath } from '../../core/sites/site-problem.ts';

/**
 * The 1-based line of the node at `path` in a parsed YAML document. A map entry is located by its key (where
 * the reader sees the field name), a sequence item by its first character. When the path goes further than
 * the document (a missing key), the line of the deepest node that exists is returned.
 */
export function yamlLineOf(doc: Document, counter: LineCounter, path: DocPath): number {
  const lineAt = (offset: number): number => counter.linePos(offset).line;
  let node: unknown = doc.contents;
  let line = startOf(node) === undefined ? 1 : lineAt(startOf(node) ?? 0);
  for (const seg of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) === String(seg) : false));
      if (pair === undefined) break;
      const at = startOf(pair.key);
      if (at !== undefined) line = lineAt(at);
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item: unknown = node.items[seg];
      const at = startOf(item);
      if (at === undefined) break;
      line = lineAt(at);
      node = item;
    } else {
      break;
    }
  }
  return line;
}

function startOf(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range?.[0];
}
