/**
 * The tampered twins: each differs from the honest sample in exactly one way, and says which check
 * must catch it. Image twins are fully re-signed over their own digests (the tampering happened
 * before signing), so that signatures, attestations and digests all hold and only the named check
 * can see the difference.
 */
export interface TwinSpec {
  readonly name: string;
  readonly subject: 'apk' | 'image' | 'apk+image';
  readonly wrong: string;
  readonly caughtBy: string;
  /** Words a report's failing checks or findings mention (case-insensitive), for the tests. */
  readonly mentions: readonly string[];
}

export const BACKDOOR_PATH = 'usr/bin/backdoor';
export const MODIFIED_PATH = 'usr/bin/hello';
export const SBOM_CLAIMED_VERSION = '2.12-r1';
export const FORK_REPOSITORY = 'evil-fork/hello';

export const TWINS: readonly TwinSpec[] = [
  {
    name: 'modified-file',
    subject: 'image',
    wrong: `${MODIFIED_PATH} in the layer is not the content the apk database records (its Z: checksum); layer digest, diff_id, config, manifests and every signature and attestation were recomputed over the tampered image`,
    caughtBy: 'file-level reconciliation: the installed database Z: checksum against the file in the layer (a modified owned file)',
    mentions: [MODIFIED_PATH],
  },
  {
    name: 'unowned-binary',
    subject: 'image',
    wrong: `${BACKDOOR_PATH} was dropped into the layer; no package owns it; everything was re-signed`,
    caughtBy: 'file-level reconciliation: a file present in the image that no package owns (unowned)',
    mentions: [BACKDOOR_PATH],
  },
  {
    name: 'sbom-version',
    subject: 'apk+image',
    wrong: `hello's embedded melange SBOM claims version ${SBOM_CLAIMED_VERSION}; .PKGINFO and the apk database say 2.12-r0. The package is signed by the trusted key and its datahash and checksums hold`,
    caughtBy: 'the embedded-SBOM check of `vouch apk` (SBOM package version vs .PKGINFO) and package-level reconciliation of `vouch image` (SBOM vs installed database)',
    mentions: [SBOM_CLAIMED_VERSION],
  },
  {
    name: 'unknown-key',
    subject: 'apk',
    wrong: 'hello-2.12-r0.apk is signed by rogue-builder.rsa.pub, a key nobody trusts; its contents are the honest package',
    caughtBy: 'the apk signature check: signed by an untrusted key',
    mentions: ['rogue-builder'],
  },
  {
    name: 'provenance-source',
    subject: 'image',
    wrong: `the SLSA provenance and its signing certificate's source-repository extension name github.com/${FORK_REPOSITORY}; image, signatures and SBOM are the honest ones`,
    caughtBy: 'the provenance source check with --source-uri github.com/vouch-sample/hello',
    mentions: ['evil-fork'],
  },
  {
    name: 'signature-digest',
    subject: 'image',
    wrong: "every signature is valid and logged in Rekor but names another digest: each platform's cosign key signature (.sig) and keyless bundle name the other platform's manifest, the index's key signature names a platform manifest instead of the index",
    caughtBy: "the signature checks: the signed payload (simple-signing docker-manifest-digest, or the statement subject) is not the digest being verified, so no signature counts",
    mentions: ['digest'],
  },
];
