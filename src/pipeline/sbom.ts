import type { RunContext } from '../context.js';
import { fail } from '../errors.js';
import { assertJsonDepth } from '../evidence/index.js';
import { readSbomValidated } from '../sbom/index.js';
import type { SbomDocument } from '../sbom/index.js';
import { readInputFile } from '../sources/local-file.js';
import type { Limits } from './options.js';

export type { SbomDocument };

/**
 * `vouch sbom <file>`: reads one SBOM file into the model, validated (CycloneDX against its
 * official schema too). A document with issues is returned (the command exits 1); a file that is
 * not an SBOM, or one in a version vouch does not read, could not be checked (exit 3).
 * @throws VouchError INPUT_UNREADABLE, LIMIT_EXCEEDED, INPUT_MALFORMED, UNSUPPORTED_FORMAT
 */
export async function readSbomFile(path: string, limits: Limits, ctx: RunContext): Promise<SbomDocument> {
  const bytes = await readInputFile(path, { what: 'SBOM', maxBytes: limits.maxDocumentBytes, flag: '--max-document-size' });
  ctx.log.debug(`read ${bytes.length} bytes from ${path}`);
  // Refused here as a limit (exit 3); embedded SBOMs meet the same cap inside readSbom as a finding.
  assertJsonDepth(bytes.toString('utf8'), `SBOM ${path}`);
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
