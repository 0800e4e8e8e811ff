import fs from 'node:fs';
import path from 'node:path';

import type express from 'express';

import { errorBody } from '../common/errors';
import type { Logger } from '../common/logger';
import { projectRoot } from '../common/paths';

/** Where the governance console is served. */
export const CONSOLE_PATH = '/governance';

/** Everything the page loads comes from this origin; no inline code, no framing. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "style-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "frame-ancestors 'none'",
].join('; ');

/** The console's files and their media types; nothing else in the folder is served. */
const FILES = {
  'index.html': 'text/html; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
} as const;

type ConsoleFile = keyof typeof FILES;

/** Headers on every console response, the CSV export included. */
export function setConsoleHeaders(res: express.Response): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
}

/** The console's files, or the path of the first one missing. */
function readFiles(folder: string): Map<ConsoleFile, Buffer> | string {
  const contents = new Map<ConsoleFile, Buffer>();
  for (const name of Object.keys(FILES) as ConsoleFile[]) {
    const file = path.join(folder, name);
    try {
      contents.set(name, fs.readFileSync(file));
    } catch {
      return file;
    }
  }
  return contents;
}

/**
 * Serves the governance console: the page at `/governance`, its script and style sheet at
 * `/governance/assets/<file>`. The files are read once, here, from `gateway/console/` in
 * the project root (tsc does not copy them to dist/). Without them the console answers a
 * coded 500 and the rest of the gateway runs on.
 */
export function mountConsole(app: express.Express, options: { logger?: Logger } = {}): void {
  const contents = readFiles(path.join(projectRoot(), 'gateway', 'console'));
  if (typeof contents === 'string') {
    options.logger?.warn(
      { event: 'console_unavailable', missing: contents },
      'governance console not served: deploy gateway/console/ beside dist/',
    );
  }

  const send = (res: express.Response, name: ConsoleFile) => {
    setConsoleHeaders(res);
    if (typeof contents === 'string') {
      res
        .status(500)
        .json(errorBody('INTERNAL_SERVER_ERROR', 'The governance console is not installed here'));
      return;
    }
    // Revalidate each time, so a redeployed console is never mixed with a stale script.
    res.setHeader('Cache-Control', 'no-cache');
    res.type(FILES[name]).send(contents.get(name));
  };

  app.get(CONSOLE_PATH, (_req, res) => {
    send(res, 'index.html');
  });
  app.get(`${CONSOLE_PATH}/assets/:file`, (req, res) => {
    const name = req.params.file;
    if (name === 'index.html' || !Object.prototype.hasOwnProperty.call(FILES, name)) {
      setConsoleHeaders(res);
      res.status(404).json(errorBody('BAD_USER_INPUT', 'The console has no asset by that name'));
      return;
    }
    send(res, name as ConsoleFile);
  });
}
