import type { Digest } from './digest.js';

/** Something signed (or claiming to be) that was found attached to an image digest. */
export type Attachment =
  | {
      /** A cosign `.sig` layer: simple-signing payload, signature and proof material in annotations. */
      readonly kind: 'cosign-signature';
      readonly attachedTo: Digest;
      readonly source: string;
      readonly payload: Buffer;
      readonly annotations: Readonly<Record<string, string>>;
    }
  | {
      /** A cosign `.att` layer: a DSSE envelope, proof material in annotations. */
      readonly kind: 'dsse-attestation';
      readonly attachedTo: Digest;
      readonly source: string;
      readonly envelope: Buffer;
      readonly annotations: Readonly<Record<string, string>>;
    }
  | {
      /** A Sigstore bundle artifact (cosign v3 referrers). */
      readonly kind: 'sigstore-bundle';
      readonly attachedTo: Digest;
      readonly source: string;
      readonly bundle: Buffer;
      readonly annotations: Readonly<Record<string, string>>;
    }
  | {
      /** An in-toto statement stored without a signature (BuildKit's in-index attestations). */
      readonly kind: 'unsigned-statement';
      readonly attachedTo: Digest;
      readonly source: string;
      readonly statement: Buffer;
      readonly annotations: Readonly<Record<string, string>>;
    };

/** How a lookup went; "failed" never appears here: a failed lookup throws. */
export type LookupOutcome = 'found' | 'none' | 'unsupported';

export interface Lookup {
  readonly target: Digest;
  /** cosign-tag:sig, cosign-tag:att, cosign-tag:sbom, referrers-api, referrers-tag, cosign-save, layout-subject, buildkit-index, signature-files */
  readonly method: string;
  readonly outcome: LookupOutcome;
  readonly count: number;
  readonly source: string;
}

export interface Discovery {
  readonly attachments: readonly Attachment[];
  readonly lookups: readonly Lookup[];
  /** Artifacts found but not understood (unknown media types): reported, never trusted. */
  readonly ignored: readonly { readonly source: string; readonly mediaType: string }[];
}

/** The cosign annotation names, with the older dev.cosignproject.cosign spellings accepted too. */
export const COSIGN_ANNOTATIONS = {
  signature: ['dev.cosignproject.cosign/signature'],
  certificate: ['dev.sigstore.cosign/certificate', 'dev.cosignproject.cosign/certificate'],
  chain: ['dev.sigstore.cosign/chain', 'dev.cosignproject.cosign/chain'],
  bundle: ['dev.sigstore.cosign/bundle', 'dev.cosignproject.cosign/bundle'],
  rfc3161: ['dev.sigstore.cosign/rfc3161timestamp', 'dev.cosignproject.cosign/rfc3161timestamp'],
} as const;

export function annotation(annotations: Readonly<Record<string, string>>, names: readonly string[]): string | undefined {
  for (const name of names) {
    const v = annotations[name];
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
}
