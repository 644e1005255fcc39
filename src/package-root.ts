import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The directory of edmock's package.json. Found by walking up because the same module runs from
 * src/ and from dist/src/, at different depths.
 */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'edmock') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('edmock: package.json not found above the running module');
    dir = parent;
  }
}
