import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

describe('docs/site-file.md', () => {
  it('shows the Xizang example exactly as sites/xizang.yml is', async () => {
    const doc = await readFile(`${ROOT}docs/site-file.md`, 'utf8');
    const example = /## Example: Xizang[\s\S]*?```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBe(await readFile(`${ROOT}sites/xizang.yml`, 'utf8'));
  });

  it('documents every top-level field of the schema', async () => {
    const { SiteSchema } = await import('../../../../src/core/sites/site-schema.ts');
    const doc = await readFile(`${ROOT}docs/site-file.md`, 'utf8');
    const missing = Object.keys(SiteSchema.shape).filter((k) => !doc.includes(`| \`${k}`));
    expect(missing).toEqual([]);
  });
});
