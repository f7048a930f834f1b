/**
 * Blobs and small files of an image store on the local disk (an OCI layout, a skopeo `dir:`):
 * opened as regular files only, never through a link (the store is not trusted to point
 * elsewhere), capped, and a blob verified against its descriptor while it streams.
 */
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { fail, isVouchError } from '../../errors.js';
import { openInputStream, readInputFile } from '../local-file.js';
import type { Descriptor } from './manifest.js';
import { verifyingStream } from './digest.js';

/** The blob at `path`, verified against `descriptor` as it streams. @throws NOT_FOUND when it is missing. */
export async function openLocalBlob(path: string, descriptor: Descriptor, store: string): Promise<Readable> {
  const { stream } = await openInputStream(path, { what: `${store}: blob`, noFollow: true, missing: 'NOT_FOUND' }).catch((err: unknown) => {
    if (isVouchError(err) && err.code === 'NOT_FOUND') fail('NOT_FOUND', `${store}: blob ${descriptor.digest} is missing`, { cause: err });
    throw err;
  });
  return pipeline(stream, verifyingStream(descriptor.digest, descriptor.size, `${store} blob ${descriptor.digest}`), () => undefined);
}

/**
 * A small file of the store, or undefined when there is none. `flag` names the option that raises
 * `maxBytes`, when one does.
 */
export async function readLocalFileIfPresent(path: string, what: string, maxBytes: number, flag?: string): Promise<Buffer | undefined> {
  try {
    return await readInputFile(path, { what, noFollow: true, missing: 'NOT_FOUND', maxBytes, ...(flag !== undefined && { flag }) });
  } catch (err) {
    if (isVouchError(err) && err.code === 'NOT_FOUND') return undefined;
    throw err;
  }
}
