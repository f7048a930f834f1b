import type { RunContext } from '../context.js';
import { fail } from '../errors.js';
import { assembleEvidence } from '../evidence/index.js';
import type { Check, Evidence, SignatureEvidence } from '../evidence/index.js';
import { collectBundleEvidence } from './artifact-bundle.js';
import { collectProvenanceEvidence } from './artifact-attestations.js';
import { startArtifactInputs } from './artifact-inputs.js';
import type { ArtifactOptions } from './options.js';
import { toolVersion } from './tool-version.js';

/**
 * Collects the Evidence for a file or digest: the Sigstore bundle (--bundle) and the provenance
 * (--attestation, see artifact-attestations.ts). The Sigstore modules are imported by this module,
 * which the command itself imports only when it runs, so `vouch --help` stays fast.
 */
export async function collectArtifactEvidence(options: ArtifactOptions, ctx: RunContext): Promise<Evidence> {
  requireNamedSigner(options);
  const inputs = startArtifactInputs(options, ctx);
  const subject = await inputs.subject;
  ctx.log.debug(`artifact ${subject.reference}: ${subject.digest}`);
  const checks: Check[] = [];
  const signatures: SignatureEvidence[] = [];
  const warnings: string[] = [];
  const { sigstore } = options;
  const expectations: Record<string, string | readonly string[] | boolean> = {};
  if (inputs.bundle) {
    const collected = await collectBundleEvidence(options, { ...inputs.bundle, trust: inputs.trust }, subject, ctx);
    checks.push(...collected.checks);
    signatures.push(...collected.signatures);
    warnings.push(...collected.warnings);
    expectations['signature'] = true;
    for (const [name, value] of Object.entries(sigstore.expected)) if (value !== undefined) expectations[name] = value;
    if (sigstore.key !== undefined) expectations['key'] = sigstore.key;
    expectations['trustedRoot'] = sigstore.trustedRoot ?? 'public-good';
    if (sigstore.insecureIgnoreTlog) expectations['insecureIgnoreTlog'] = true;
  }
  const provenance = await collectProvenanceEvidence(options, subject, inputs.trust, ctx);
  checks.push(...provenance.checks);
  warnings.push(...provenance.warnings);
  return assembleEvidence({
    toolVersion: toolVersion(),
    collectedAt: ctx.now.toISOString(),
    subject: { kind: 'artifact', reference: subject.reference, digest: subject.digest, ...(subject.size !== undefined && { size: subject.size }) },
    checks,
    signatures,
    attestations: [...provenance.attestations],
    provenance: [...provenance.provenance],
    sbom: null,
    inventory: null,
    reconciliation: null,
    expectations: { ...expectations, ...provenance.expectations },
    warnings,
  });
}

/**
 * Keyless verification must name the expected signer, as in cosign: a valid Sigstore signature
 * from anybody proves nothing. --builder-id names the signer of provenance (checked there).
 */
function requireNamedSigner(options: ArtifactOptions): void {
  const { sigstore } = options;
  if (options.bundle === undefined || sigstore.key !== undefined) return;
  if (sigstore.expected.identity === undefined && sigstore.expected.identityRegexp === undefined) {
    fail('USAGE', 'keyless verification needs the expected signer: give --certificate-identity or --certificate-identity-regexp (and --certificate-oidc-issuer), or --key', {
      hints: ['e.g. --certificate-identity https://github.com/OWNER/REPO/.github/workflows/release.yml@refs/tags/v1.0.0 --certificate-oidc-issuer https://token.actions.githubusercontent.com'],
    });
  }
}

