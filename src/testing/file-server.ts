import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FileServer {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly base: string;
  close(): Promise<void>;
}

/**
 * A loopback HTTP server for tests that answers GET <path> with the bytes of the file `fileFor`
 * names (404 when it names none or the file cannot be read). Paths with `..` are never served.
 */
export async function startFileServer(fileFor: (path: string) => string | undefined): Promise<FileServer> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    try {
      const file = path.includes('..') ? undefined : fileFor(path);
      const body = readFileSync(file ?? '/nonexistent');
      res.writeHead(200, { 'content-length': body.length }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
