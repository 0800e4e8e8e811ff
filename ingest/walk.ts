import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Regular files under `root` (or `root` itself when it is a file), depth first, as absolute
 * paths. Directories are read as streams, so a folder of a million files is never listed in
 * memory at once. Symbolic links are not followed: a loop would never end.
 */
export async function* walkFiles(root: string): AsyncGenerator<string> {
  const start = path.resolve(root);
  const stat = await fs.lstat(start);
  if (stat.isFile()) {
    yield start;
    return;
  }
  if (!stat.isDirectory()) {
    throw new TypeError(`Expected a directory or a file to ingest, got something else: ${root}`);
  }
  const pending = [start];
  while (pending.length > 0) {
    const dir = pending.pop() as string;
    const subdirs: string[] = [];
    for await (const entry of await fs.opendir(dir, { bufferSize: 256 })) {
      const full = path.join(dir, entry.name);
      if (entry.isFile()) {
        yield full;
      } else if (entry.isDirectory()) {
        subdirs.push(full);
      }
    }
    // Reversed so that sub-folders are visited in the order they were listed.
    pending.push(...subdirs.reverse());
  }
}
