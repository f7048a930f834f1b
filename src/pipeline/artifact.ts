import type { RunContext } from '../context.js';
import { fail } from '../errors.js';
import type { Evidence } from '../evidence/index.js';
import type { ArtifactOptions } from './options.js';

/** Collects the Evidence for a file or digest. */
export async function collectArtifactEvidence(options: ArtifactOptions, ctx: RunContext): Promise<Evidence> {
  ctx.log.debug(`collecting evidence for ${options.target}`);
  return fail('NOT_IMPLEMENTED', 'vouch artifact is not implemented yet');
}
