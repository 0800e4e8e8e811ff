import fs from 'node:fs';
import path from 'node:path';

/** The folder holding package.json, found from this file whether it runs from dist/ or not. */
export function projectRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error('package.json not found above the running code');
    }
    dir = parent;
  }
  return dir;
}
