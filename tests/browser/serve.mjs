// A static server of a built book under its site-url prefix, like GitHub
// Pages: the browser check and its features serve books with it.
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json',
  '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf', '.txt': 'text/plain',
};

/**
 * Serves `dir` under `prefix` on a free port of 127.0.0.1; a missing file
 * gets the book's 404 page. Resolves to `{ server, base }`.
 */
export function serve(dir, prefix) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = path.startsWith(prefix) ? join(dir, path.slice(prefix.length)) : null;
    if (file && !resolve(file).startsWith(dir)) file = null;
    if (file && existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!file || !existsSync(file)) {
      res.writeHead(404, { 'content-type': TYPES['.html'] });
      res.end(readFileSync(join(dir, '404.html')));
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((ok) => {
    server.listen(0, '127.0.0.1', () => {
      ok({ server, base: `http://127.0.0.1:${server.address().port}${prefix}` });
    });
  });
}
