import type { StatementSubject } from '../statement.js';

export const SLSA_V02 = 'https://slsa.dev/provenance/v0.2';
export const SLSA_V1 = 'https://slsa.dev/provenance/v1';

/** A place the predicate names the source, kept apart so that they can be checked for agreement. */
export interface SourceClaim {
  /** Which predicate field it came from, for messages ("invocation.configSource.uri"). */
  readonly field: string;
  /** Normalised repository (see source-uri.ts). */
  readonly repo: string;
  readonly ref?: string;
  readonly digest?: Readonly<Record<string, string>>;
}

/**
 * SLSA v0.2 and v1 provenance read into one shape (slsa-verifier's version-independent
 * interface). Everything here is a *claim* of the predicate; what the signer proves is checked
 * separately against the certificate (builder.ts).
 */
export interface ProvenanceView {
  readonly slsaVersion: '0.2' | '1.0';
  readonly builderId: string;
  readonly buildType: string;
  /** Every place the predicate names the source repository, in order of authority. */
  readonly sources: readonly SourceClaim[];
  /** The source ref the build ran on (refs/heads/..., refs/tags/...), when stated. */
  readonly ref?: string;
  /** For a build from a tag: the branch the triggering event names (github-event.ts), when it names one. */
  readonly tagBranch?: string;
  readonly workflowInputs: Readonly<Record<string, unknown>>;
  readonly invocationId?: string;
  readonly materials: readonly { readonly uri?: string; readonly digest?: Readonly<Record<string, string>> }[];
  readonly subjects: readonly StatementSubject[];
}
