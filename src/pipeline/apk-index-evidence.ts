import type { RunContext } from '../context.js';
import { assembleEvidence } from '../evidence/index.js';
import type { Evidence } from '../evidence/index.js';
import type { ApkKeyring, VerifiedIndex } from '../trust/apk/index.js';
import type { ApkOptions } from './options.js';
import { toolVersion } from './tool-version.js';

/**
 * The Evidence for an index verified on its own (`vouch apk APKINDEX.tar.gz`): the subject is
 * the index (kind apk-index), never a package, so no policy can read it as a verified package.
 */
export function apkIndexEvidence(options: ApkOptions, index: VerifiedIndex, keyring: ApkKeyring, warnings: readonly string[], ctx: RunContext): Evidence {
  return assembleEvidence({
    toolVersion: toolVersion(),
    collectedAt: ctx.now.toISOString(),
    subject: { kind: 'apk-index', reference: options.target, digest: `sha256:${index.contents.sha256}`, size: index.contents.size },
    checks: [...index.checks],
    signatures: [...index.signatures],
    attestations: [],
    provenance: [],
    sbom: null,
    inventory: null,
    reconciliation: null,
    expectations: { signature: true, keys: keyring.keys.map((k) => k.name).sort() },
    warnings: [...warnings],
  });
}
