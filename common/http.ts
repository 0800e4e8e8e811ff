import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type express from 'express';

export interface Listening {
  /** Base URL, e.g. `http://127.0.0.1:4001`. */
  url: string;
  port: number;
  close: () => Promise<void>;
}

/** Opens `app` on a port (0 picks a free one) on `host` (default 127.0.0.1). */
export function listen(app: express.Express, port: number, host = '127.0.0.1'): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server: Server = app.listen(port, host);
    server.once('error', reject);
    server.once('listening', () => {
      const address = server.address() as AddressInfo;
      resolve({
        url: `http://${host}:${address.port}`,
        port: address.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
