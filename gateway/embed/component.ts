import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import type express from 'express';

import { errorBody } from '../../common/errors';
import type { Logger } from '../../common/logger';
import { projectRoot } from '../../common/paths';

/** Where the `<cohort-count>` element is served. */
export const COMPONENT_PATH = '/embed/cohort-count.js';

/** Browsers and proxies may reuse the script for five minutes, then revalidate by ETag. */
const CACHE_CONTROL = 'public, max-age=300, must-revalidate';

/**
 * Serves `gateway/embed/cohort-count.js`, read once from the project root (tsc does not copy
 * it to dist/). Any page may load it: it is public code and holds no data. Without the file
 * the path answers a coded 500 and the rest of the gateway runs on.
 */
export function mountEmbedComponent(app: express.Express, options: { logger?: Logger } = {}): void {
  const file = path.join(projectRoot(), 'gateway', 'embed', 'cohort-count.js');
  let script: Buffer | null = null;
  try {
    script = fs.readFileSync(file);
  } catch {
    options.logger?.warn(
      { event: 'embed_component_unavailable', missing: file },
      'cohort-count.js not served: deploy gateway/embed/ beside dist/',
    );
  }
  const etag = script && `"${createHash('sha256').update(script).digest('hex').slice(0, 32)}"`;

  app.get(COMPONENT_PATH, (req, res) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (!script || !etag) {
      res
        .status(500)
        .json(errorBody('INTERNAL_SERVER_ERROR', 'The embed component is not installed here'));
      return;
    }
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.setHeader('Cache-Control', CACHE_CONTROL);
    res.setHeader('ETag', etag);
    if (req.headers['if-none-match'] === etag) {
      res.status(304).end();
      return;
    }
    res.type('text/javascript; charset=utf-8').send(script);
  });
}
