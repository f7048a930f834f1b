import { extract } from 'tar-stream';
import type { Header } from 'tar-stream';
import { VouchError } from '../../errors.js';
import { openInputStream } from '../local-file.js';

/** Names inside an archive without "./" prefixes, so manifest.json and ./manifest.json are one file. */
export function archiveName(name: string): string {
  return name.replace(/^(\.\/)+/, '').replace(/^\/+/, '');
}

/**
 * Walks a tar file once, handing each entry's header and content to `visit`. Returning true stops
 * the walk and closes the file: a docker archive is re-scanned per blob instead of buffered.
 * `visit` must consume or ignore the stream before returning; unread content is skipped.
 */
export async function scanTarFile(
  file: string,
  visit: (header: Header, name: string, content: AsyncIterable<Buffer>) => Promise<boolean>,
): Promise<void> {
  // A FIFO or a device (docker-archive:/dev/zero) is refused here instead of read forever.
  const { stream: source } = await openInputStream(file, { what: 'docker archive' });
  const tar = extract();
  const failed = new Promise<never>((_, reject) => {
    source.once('error', (err) => reject(new VouchError({ code: 'INPUT_UNREADABLE', message: `${file}: ${err.message}`, cause: err })));
  });
  failed.catch(() => undefined);
  source.pipe(tar);
  try {
    const walk = (async () => {
      for await (const entry of tar) {
        const stop = await visit(entry.header, archiveName(entry.header.name), entry as AsyncIterable<Buffer>);
        entry.resume();
        if (stop) return;
      }
    })();
    await Promise.race([walk, failed]);
  } catch (err) {
    if (err instanceof VouchError) throw err;
    throw new VouchError({ code: 'INPUT_MALFORMED', message: `${file}: not a readable tar archive: ${(err as Error).message}`, cause: err });
  } finally {
    source.unpipe(tar);
    source.destroy();
    tar.destroy();
  }
}
