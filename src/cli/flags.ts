import { Flags } from '@oclif/core';

/** cosign's flag names, so that users switch without relearning. */
export const sigstoreFlags = {
  key: Flags.string({ summary: 'PEM public key of an accepted signer (with an identity flag as well, either signer counts).' }),
  'certificate-identity': Flags.string({
    summary: 'Exact identity (certificate SAN: URI, email or Fulcio otherName) that must have signed; needs an issuer flag.',
    exclusive: ['certificate-identity-regexp'],
  }),
  'certificate-identity-regexp': Flags.string({
    summary: 'RE2 regular expression the whole identity must match (anchored: ^…$ is implied); needs an issuer flag.',
  }),
  'certificate-oidc-issuer': Flags.string({
    summary: 'Exact OIDC issuer of the signing certificate.',
    exclusive: ['certificate-oidc-issuer-regexp'],
  }),
  'certificate-oidc-issuer-regexp': Flags.string({
    summary: 'RE2 regular expression the whole OIDC issuer must match (anchored).',
  }),
  'trusted-root': Flags.string({
    summary: 'Sigstore trusted_root.json (or trust_config.json) to trust instead of the embedded public-good root.',
  }),
  'rekor-url': Flags.string({
    summary: 'Look up transparency-log entries online for signatures that carry no log proof (off by default).',
  }),
  'insecure-ignore-tlog': Flags.boolean({
    summary: 'Accept signatures without transparency-log proof (INSECURE; the report says so).',
  }),
};

/** slsa-verifier's flag names. */
export const provenanceFlags = {
  'source-uri': Flags.string({ summary: 'Source repository the provenance must name, e.g. github.com/org/repo; required for provenance (as in slsa-verifier).' }),
  // Not exclusive with the tag flags (slsa-verifier allows both): a tag build is on the branch its push or release names.
  'source-branch': Flags.string({ summary: 'Branch the artifact must have been built from (for a tag build: the branch the tag was pushed or released on).' }),
  'source-tag': Flags.string({ summary: 'Tag the artifact must have been built from.', exclusive: ['source-versioned-tag'] }),
  'source-versioned-tag': Flags.string({ summary: 'Semver tag prefix (v14 accepts v14.2 and v14.2.1, not v15).' }),
  'builder-id': Flags.string({ summary: 'Builder that must have built it: uri[@ref] (without @ref any ref matches).' }),
  'build-workflow-input': Flags.string({ summary: 'Workflow input the build must have had: key=value (repeatable).', multiple: true }),
};

/** Caps against hostile input (gzip bombs, tar floods, huge documents); defaults suit real subjects. */
export const limitFlags = {
  'max-size': Flags.string({ summary: 'Largest decompressed size of one package, layer or archive (default 8GiB).', helpGroup: 'LIMITS' }),
  'max-entries': Flags.string({ summary: 'Largest number of tar entries in one package or layer (default 1000000).', helpGroup: 'LIMITS' }),
  'max-ratio': Flags.string({ summary: 'Largest decompressed-to-compressed ratio (default 1000; gzip bombs exceed it).', helpGroup: 'LIMITS' }),
  'max-document-size': Flags.string({ summary: 'Largest JSON document read whole: bundle, attestation, manifest, index, SBOM, evidence (default 64MiB).', helpGroup: 'LIMITS' }),
};

/** Caps that only an image has: several layers together, the reconciliation, zstd layers. */
export const imageLimitFlags = {
  'max-image-entries': Flags.string({ summary: 'Largest number of tar entries in all layers of an image together (default 2000000).', helpGroup: 'LIMITS' }),
  'max-findings': Flags.string({ summary: 'Largest number of file and package findings for an image (default 200000).', helpGroup: 'LIMITS' }),
  'max-zstd-window': Flags.string({ summary: 'Largest zstd window a layer may ask the decoder for (default 128MiB, at most 2GiB).', helpGroup: 'LIMITS' }),
};

/**
 * Progress on stderr while a subject is read (what, bytes, entries, rate) and the bar of a batch:
 * one flag for every verify command. Progress is drawn only when stderr is a terminal anyway.
 */
export const progressFlags = {
  quiet: Flags.boolean({ char: 'q', summary: 'Show no progress on stderr (shown only when stderr is a terminal: what is read, bytes, entries, rate; with many subjects, a bar).' }),
};

/** The command's total deadline over every network request (and whatever else is still running). */
export const networkFlags = {
  timeout: Flags.string({ summary: 'Give up (exit 3, NETWORK) when the command (with many subjects: each subject) has not finished within this time: 90s, 5m, 1h (default 10m).' }),
};
