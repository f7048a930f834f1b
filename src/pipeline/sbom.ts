import { open } from 'node:fs/promises';
import type { RunContext } from '../context.js';
import { fail, messageOf, VouchError } from '../errors.js';
import { readSbomValidated } from '../sbom/index.js';
import type { SbomDocument } from '../sbom/index.js';
import type { Limits } from './options.js';

export type { SbomDocument };

/**
 * `vouch sbom <file>`: reads one SBOM file into the model, validated (CycloneDX against its
 * official schema too). A document with issues is returned (the command exits 1); a file that is
 * not an SBOM, or one in a version vouch does not read, could not be checked (exit 3).
 * @throws VouchError INPUT_UNREADABLE, LIMIT_EXCEEDED, INPUT_MALFORMED, UNSUPPORTED_FORMAT
 */
export async function readSbomFile(path: string, limits: Limits, ctx: RunContext): Promise<SbomDocument> {
  const bytes = await readBounded(path, limits.maxDocumentBytes);
  ctx.log.debug(`read ${bytes.length} bytes from ${path}`);
  const result = await readSbomValidated(bytes, { limits: { maxBytes: limits.maxDocumentBytes } });
  switch (result.kind) {
    case 'sbom':
      return result.document;
    case 'unsupported-version':
      return fail('UNSUPPORTED_FORMAT', `${path}: ${result.format} ${result.specVersion} is not a version vouch reads`, {
        hints: ['vouch reads SPDX 2.2/2.3 JSON, SPDX 3.0 JSON-LD and CycloneDX 1.4-1.6 JSON'],
      });
    case 'unrecognised':
      return fail('INPUT_MALFORMED', `${path} is not an SBOM vouch can read: ${result.reason}`, {
        hints: ['vouch reads SPDX 2.2/2.3 JSON, SPDX 3.0 JSON-LD and CycloneDX 1.4-1.6 JSON'],
      });
  }
}

/** Reads at most `max` bytes; a larger file is refused before it is held in memory. */
async function readBounded(path: string, max: number): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    throw new VouchError({ code: 'INPUT_UNREADABLE', message: `cannot read ${path}: ${messageOf(err)}`, cause: err });
  }
  try {
    const { size } = await handle.stat();
    if (size > max) fail('LIMIT_EXCEEDED', `${path} is ${size} bytes, more than the ${max}-byte document limit`);
    const buffer = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const { bytesRead } = await handle.read(buffer, read, size - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return buffer.subarray(0, read);
  } catch (err) {
    if (err instanceof VouchError) throw err;
    throw new VouchError({ code: 'INPUT_UNREADABLE', message: `cannot read ${path}: ${messageOf(err)}`, cause: err });
  } finally {
    await handle.close();
  }
}
