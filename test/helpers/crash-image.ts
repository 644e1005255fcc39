import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * What a crash would leave of a `--data` file: the data file and its logs as they are on disk
 * now, copied in one go (synchronously: no write of the server interleaves). Returns the copy of
 * the data file, for a server to start from.
 */
export function crashImage(file: string, into: string): string {
  mkdirSync(into, { recursive: true });
  const base = path.basename(file);
  for (const name of readdirSync(path.dirname(file))) {
    if (name === base || (name.startsWith(`${base}.`) && name.endsWith('.log'))) copyFileSync(path.join(path.dirname(file), name), path.join(into, name));
  }
  return path.join(into, base);
}
