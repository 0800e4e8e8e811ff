// The embed demo's web server: a stand-in for a portal that puts a short-lived embed token
// in its page. It serves index.html (with the gateway's address and the token filled in)
// and demo.css, and nothing else.
//
//   EMBED_TOKEN=$(npm run -s token -- --role embed --project feasibility \
//     --origin http://localhost:5173 --ttl 10m) node examples/embed/serve.js
//
// Options: --port (default 5173), --host (default localhost), --gateway (default
// http://localhost:4000). The page's origin must be one of the token's --origin values.
'use strict';

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { parseArgs } = require('node:util');

const TOKEN_PATTERN = /^[A-Za-z0-9_\-.]{1,8192}$/;

/**
 * Starts the demo server; resolves to its URL (the page's origin) and a close function.
 * `token` is a string, or a function called for each page (as a portal mints one per
 * visit); `port` 0 picks a free one.
 */
function startDemoServer({ gateway, token, port = 5173, host = 'localhost' }) {
  const origin = new URL(gateway).origin;
  const tokenNow = typeof token === 'function' ? token : () => token;
  const template = fs
    .readFileSync(path.join(__dirname, 'index.html'), 'utf8')
    .replaceAll('%GATEWAY%', origin);
  const page = () => {
    const current = tokenNow();
    if (!TOKEN_PATTERN.test(current ?? '')) {
      throw new TypeError('The demo needs an embed token (EMBED_TOKEN or --token)');
    }
    return template.replaceAll('%TOKEN%', current);
  };
  if (typeof token !== 'function') {
    page();
  }
  const css = fs.readFileSync(path.join(__dirname, 'demo.css'));
  // What a portal's policy must allow: the element's script and its requests to the gateway.
  const policy = [
    "default-src 'none'",
    `script-src ${origin}`,
    `connect-src ${origin}`,
    "style-src 'self'",
  ].join('; ');

  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://demo').pathname;
    res.setHeader('Content-Security-Policy', policy);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-store');
    if (pathname === '/' || pathname === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page());
    } else if (pathname === '/demo.css') {
      res.writeHead(200, { 'content-type': 'text/css; charset=utf-8' }).end(css);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve({
        url: `http://${host}:${address.port}`,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '5173' },
      host: { type: 'string', default: 'localhost' },
      gateway: { type: 'string', default: 'http://localhost:4000' },
      token: { type: 'string' },
    },
  });
  const { url } = await startDemoServer({
    gateway: values.gateway,
    token: values.token ?? process.env.EMBED_TOKEN,
    port: Number(values.port),
    host: values.host,
  });
  console.log(`embed demo: ${url}/ (counts from ${values.gateway})`);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}

module.exports = { startDemoServer };
