import type { RunContext } from '../context.js';
import { fail } from '../errors.js';
import type { Evidence } from '../evidence/index.js';
import type { ImageOptions } from './options.js';

/** Collects the Evidence for an image. */
export async function collectImageEvidence(options: ImageOptions, ctx: RunContext): Promise<Evidence> {
  ctx.log.debug(`collecting evidence for ${options.reference}`);
  return fail('NOT_IMPLEMENTED', 'vouch image is not implemented yet');
}
