// A minimal static file server on 127.0.0.1 for the browser tests: serves
// target/web like a production static host would (tower-http's ServeDir with
// precompressed files, nginx), and records every request so the tests can
// prove that verification sends nothing.
//   - FILE.br / FILE.gz written by the build are sent as they are to a
//     browser that accepts them; other files over 1 KB are gzipped on the fly;
//   - Last-Modified and If-Modified-Since (304), so a browser revalidating a
//     file it holds (Cache-Control: no-cache) does not download it again.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml', '.webmanifest': 'application/manifest+json', '.txt': 'text/plain; charset=utf-8',
};

// The precompressed variant a browser accepting `accepted` should get, if the build wrote one.
async function precompressed(file, accepted) {
  for (const [encoding, suffix] of [['br', '.br'], ['gzip', '.gz']]) {
    if (!new RegExp(`\\b${encoding}\\b`).test(accepted)) continue;
    try {
      return { encoding, body: await readFile(file + suffix) };
    } catch { /* not precompressed: try the next */ }
  }
  return null;
}

export async function serve(root) {
  const log = [];
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    log.push({ method: req.method, path, at: Date.now() });
    const rel = normalize(path.endsWith('/') ? `${path}index.html` : path).replace(/^(\.\.[/\\])+/, '');
    const file = join(root, rel);
    try {
      const info = await stat(file);
      const modified = new Date(Math.floor(info.mtimeMs / 1000) * 1000);
      const headers = {
        'content-type': TYPES[extname(rel)] || 'application/octet-stream',
        'cache-control': 'no-cache',
        'last-modified': modified.toUTCString(),
        vary: 'accept-encoding',
      };
      const since = Date.parse(req.headers['if-modified-since'] || '');
      if (!Number.isNaN(since) && modified.getTime() <= since) {
        res.writeHead(304, headers);
        res.end();
        return;
      }
      const accepted = req.headers['accept-encoding'] || '';
      let body = await readFile(file);
      const ready = await precompressed(file, accepted);
      if (ready) {
        body = ready.body;
        headers['content-encoding'] = ready.encoding;
      } else if (/\bgzip\b/.test(accepted) && body.length > 1024) {
        body = gzipSync(body, { level: 9 });
        headers['content-encoding'] = 'gzip';
      }
      res.writeHead(200, headers);
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/`,
    log,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}
