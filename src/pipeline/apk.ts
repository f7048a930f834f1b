import type { RunContext } from '../context.js';
import { fail } from '../errors.js';
import type { Evidence } from '../evidence/index.js';
import type { ApkOptions } from './options.js';

/** Collects the Evidence for an apk package. */
export async function collectApkEvidence(options: ApkOptions, ctx: RunContext): Promise<Evidence> {
  ctx.log.debug(`collecting evidence for ${options.target}`);
  return fail('NOT_IMPLEMENTED', 'vouch apk is not implemented yet');
}
