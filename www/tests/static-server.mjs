// A minimal static file server on 127.0.0.1 for the browser tests and the benchmark: serves one
// directory read-only, with the MIME types the page needs (application/wasm for streaming compile).
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.md': 'text/markdown; charset=utf-8',
};

/**
 * Serves `root`; resolves to { origin, requests, sent, close() }. `requests` lists every path asked for;
 * `sent` every response body as { path, bytes } in the order sent. With `gzip`, bodies go out
 * `Content-Encoding: gzip` (level 9) to browsers that accept it, as a deployed site's server would, and
 * `bytes` counts what crossed the wire.
 */
export async function serveDirectory(root, { gzip = false } = {}) {
  const requests = [];
  const sent = [];
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://127.0.0.1').pathname);
    requests.push(path);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (request.method !== 'GET' || !(file === root || file.startsWith(root + sep))) {
      response.writeHead(request.method === 'GET' ? 403 : 405).end();
      return;
    }
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
      let body = await readFile(file);
      const headers = { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' };
      if (gzip && /\bgzip\b/.test(request.headers['accept-encoding'] ?? '')) {
        body = gzipSync(body, { level: 9 });
        headers['content-encoding'] = 'gzip';
      }
      response.writeHead(200, headers);
      sent.push({ path, bytes: body.length });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    sent,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Chromium as TOOLCHAIN.md prescribes: Debian's binary, headless, no network of its own. */
export const CHROMIUM = {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};
