import type { Finding, ProvenanceEvidence, ReconciliationEvidence } from '../evidence/types.js';
import type { InstalledDbProblem } from '../inventory/apk-db.js';
import type { Inventory } from '../inventory/types.js';
import type { SbomReadResult } from '../sbom/model.js';

/** One SBOM that was read, and where it came from. */
export interface ReadSbom {
  /** For an embedded SBOM: its path in the image (var/lib/db/sbom/...); else the attestation source. */
  readonly origin: string;
  readonly result: SbomReadResult;
}

export interface ReconcileInput {
  readonly inventory: Inventory;
  /** Problems of the apk database read (readInstalledDb); each becomes a finding. */
  readonly databaseProblems?: readonly InstalledDbProblem[];
  /** The per-package SBOMs found in the image (melange's var/lib/db/sbom/*.spdx.json), read. */
  readonly packageSboms?: readonly ReadSbom[];
  /** Image-level SBOMs (apko's merged SBOM, an SBOM attestation), read. */
  readonly imageSboms?: readonly ReadSbom[];
  /** Provenance of the packages' builds, when some was verified. */
  readonly provenance?: readonly ProvenanceEvidence[];
  readonly options?: ReconcileOptions;
}

export interface ReconcileOptions {
  /**
   * Compare uid:gid too. Off by default: image builders (apko) write every file as root while the
   * database keeps the builder's ids (real apko images record a:501:20 for files owned by 0:0).
   */
  readonly checkOwnership?: boolean;
  /** Where per-package SBOMs live; default var/lib/db/sbom/ (melange's SBOMDir). */
  readonly sbomDirectory?: string;
}

export interface ReconcileResult {
  readonly evidence: ReconciliationEvidence;
}

export type { Finding };
