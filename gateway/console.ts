import fs from 'node:fs';
import path from 'node:path';

import type express from 'express';

import { errorBody } from '../common/errors';
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

/**
 * Serves the governance console: the page at `/governance`, its script and style sheet at
 * `/governance/assets/<file>`. The files are read once, here, from `gateway/console/` in
 * the project root (tsc does not copy them to dist/), so a missing file stops start-up.
 */
export function mountConsole(app: express.Express): void {
  const folder = path.join(projectRoot(), 'gateway', 'console');
  const contents = new Map<ConsoleFile, Buffer>();
  for (const name of Object.keys(FILES) as ConsoleFile[]) {
    try {
      contents.set(name, fs.readFileSync(path.join(folder, name)));
    } catch (error) {
      throw new Error(`The governance console needs ${path.join(folder, name)}`, {
        cause: error,
      });
    }
  }

  const send = (res: express.Response, name: ConsoleFile) => {
    setConsoleHeaders(res);
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
