/**
 * Which policies need the image's contents (the layers), decided from the compiled rules: reading
 * every layer costs seconds to minutes, and a signature or provenance check needs only manifests
 * and small blobs. This is what `--contents auto` (the default) and the admission server use.
 */
import { VouchError } from '../errors.js';
import { compileExpression } from './compile.js';
import { nodes } from './re2-matches.js';
import type { ContentsMode } from './contents-mode.js';
import type { Policy } from './types.js';

/**
 * The evidence members that only the layers fill: the file inventory and the apk database, the
 * reconciliation of both with the SBOMs, and the SBOMs themselves (packages' embedded SBOMs live
 * in the layers; without them an SBOM rule would judge a partial list).
 */
export const CONTENTS_VARIABLES: ReadonlySet<string> = new Set(['inventory', 'reconciliation', 'sbom']);

/**
 * The names of the policies with a rule (guard or expression) that refers to a contents variable.
 * CEL has no reflection, so a program can reach a variable only by naming it: an identifier is the
 * complete list. A comprehension variable that happens to share the name counts too, which can only
 * make vouch read more, never less. A rule that does not compile counts as needing everything.
 */
export function policiesNeedingContents(policies: readonly Policy[]): string[] {
  return policies.filter((p) => p.rules.some((r) => [r.match, r.expression].some((text) => text !== undefined && usesContents(text)))).map((p) => p.name);
}

function usesContents(text: string): boolean {
  const { program } = compileExpression(text);
  if (!program) return true;
  for (const node of nodes(program.ast)) {
    if (node.op === 'id' && typeof node.args === 'string' && CONTENTS_VARIABLES.has(node.args)) return true;
  }
  return false;
}

/**
 * Resolves a contents mode against the policies that will judge: whether the layers are read.
 * `never` with a policy that needs the contents is "could not check": evaluating it would judge
 * an inventory that was never read, and a rule guarded by `reconciliation != null` would pass
 * without having checked anything.
 */
export function readsContents(mode: ContentsMode, policies: readonly Policy[]): boolean {
  switch (mode) {
    case 'always':
      return true;
    case 'auto':
      return policiesNeedingContents(policies).length > 0;
    case 'never': {
      const needing = policiesNeedingContents(policies);
      if (needing.length === 0) return false;
      throw new VouchError({
        code: 'CONTENTS_REQUIRED',
        message: `policy ${needing.join(', ')} judges the image contents (inventory, reconciliation or SBOMs), which --contents never does not read`,
        details: { policies: needing },
        hints: ['use --contents auto, or policies that judge signatures and provenance only (signature, provenance)'],
      });
    }
  }
}
