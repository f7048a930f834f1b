import { VouchError } from '../../errors.js';
import { openInputStream } from '../local-file.js';
import { readTar, TarFormatError } from '../tar/reader.js';
import type { TarHeader } from '../tar/reader.js';

/** Names inside an archive without "./" prefixes, so manifest.json and ./manifest.json are one file. */
export function archiveName(name: string): string {
  return name.replace(/^(\.\/)+/, '').replace(/^\/+/, '');
}

/**
 * Walks a tar file once, handing each entry's header and content to `visit`. Returning true stops
 * the walk and closes the file: a docker archive is re-scanned per blob instead of buffered.
 * `visit` must consume or ignore the stream before returning; unread content is skipped. The
 * archive is read by vouch's one tar reader (sources/tar), with its refusals.
 */
export async function scanTarFile(
  file: string,
  visit: (header: TarHeader, name: string, content: AsyncIterable<Buffer>) => Promise<boolean>,
): Promise<void> {
  // A FIFO or a device (docker-archive:/dev/zero) is refused here instead of read forever.
  const { stream: source } = await openInputStream(file, { what: 'docker archive' });
  try {
    for await (const entry of readTar(source)) {
      if (await visit(entry.header, archiveName(entry.header.name), entry.content)) return;
    }
  } catch (err) {
    if (err instanceof VouchError) throw err;
    if (err instanceof TarFormatError) throw new VouchError({ code: 'INPUT_MALFORMED', message: `${file}: not a readable tar archive: ${err.message}`, cause: err });
    const e = err as NodeJS.ErrnoException;
    if (typeof e.code === 'string' && e.syscall !== undefined) throw new VouchError({ code: 'INPUT_UNREADABLE', message: `${file}: ${e.message}`, cause: err });
    throw new VouchError({ code: 'INPUT_MALFORMED', message: `${file}: not a readable tar archive: ${(err as Error).message}`, cause: err });
  } finally {
    source.destroy();
  }
}
