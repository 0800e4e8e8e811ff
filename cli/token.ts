import '../common/bootstrap';

import { parseArgs } from 'node:util';

import { isRole } from '../common/access';
import { keysDir } from '../common/config';
import { ensureKeys } from '../common/keys';
import { DevIssuer } from '../gateway/dev-issuer';
import { EMBED_MAX_LIFETIME_SECONDS } from '../gateway/embed/token';

const USAGE = `Usage: npm run token -- --role analyst|embed|governance [--project ID] [--ttl 1h]
                       [--subject NAME] [--origin https://app.example]... [--app NAME]
Prints a dev-issuer JWT on stdout. Keys live in KEYS_DIR (default .data/keys).
An embed token needs at least one --origin and lives at most 1h (docs/embedding.md).`;

const TTL_UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `npm run token`: mints a caller token from the dev issuer. */
async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      role: { type: 'string' },
      project: { type: 'string' },
      ttl: { type: 'string', default: '1h' },
      subject: { type: 'string' },
      origin: { type: 'string', multiple: true },
      app: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!isRole(values.role)) {
    console.error(`--role must be analyst, embed or governance\n\n${USAGE}`);
    return 2;
  }
  if (values.role !== 'governance' && !values.project) {
    console.error(`A ${values.role} token needs --project (e.g. demo-lung)\n\n${USAGE}`);
    return 2;
  }
  if (!/^\d+[smhd]$/.test(values.ttl ?? '')) {
    console.error(`--ttl takes a number and a unit, e.g. 10m or 1h\n\n${USAGE}`);
    return 2;
  }
  if (values.role === 'embed' && !values.origin?.length) {
    console.error(`An embed token needs --origin (e.g. http://localhost:5173)\n\n${USAGE}`);
    return 2;
  }
  const ttl = values.ttl ?? '';
  const ttlSeconds = Number(ttl.slice(0, -1)) * TTL_UNIT_SECONDS[ttl.slice(-1)];
  if (values.role === 'embed' && ttlSeconds > EMBED_MAX_LIFETIME_SECONDS) {
    console.error(`An embed token lives at most 1h; --ttl was ${ttl}\n\n${USAGE}`);
    return 2;
  }
  await ensureKeys(keysDir());
  const issuer = await DevIssuer.load(keysDir());
  const token = await issuer.mint({
    role: values.role,
    project: values.project ?? null,
    subject: values.subject,
    ttl: values.ttl,
    origins: values.origin,
    app: values.app,
  });
  process.stdout.write(`${token}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
