import '../common/bootstrap';

import fs from 'node:fs';
import path from 'node:path';

/** A benchmark module: `bench/<name>.ts` exporting `run(args)`. */
interface Benchmark {
  run: (args: string[]) => Promise<void>;
  /** One line shown by `npm run bench -- --list`. */
  summary?: string;
}

function available(): string[] {
  return fs
    .readdirSync(__dirname)
    .filter(
      (file) => /^[a-z][a-z0-9-]*\.js$/.test(file) && !['index.js', 'stats.js'].includes(file),
    )
    .map((file) => file.replace(/\.js$/, ''))
    .sort();
}

/** `npm run bench -- <name> [options]`: runs one benchmark; it prints its own figures. */
async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const names = available();
  if (!name || name === '--list' || !names.includes(name)) {
    if (name && name !== '--list') {
      console.error(`No benchmark called "${name}".`);
    }
    console.error(`Usage: npm run bench -- <name> [options]\nBenchmarks:`);
    for (const each of names) {
      // Benchmarks are found by file name at run time, so they are required, not imported.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { summary } = require(path.join(__dirname, each)) as Benchmark;
      console.error(`  ${each.padEnd(10)} ${summary ?? ''}`);
    }
    return name && name !== '--list' ? 2 : 0;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const benchmark = require(path.join(__dirname, name)) as Benchmark;
  await benchmark.run(args);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('benchmark failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
