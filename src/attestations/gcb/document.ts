import { bad, isRecord, ok, stringAt } from '../outcome.js';
import type { Outcome } from '../outcome.js';

/**
 * The output of `gcloud artifacts docker images describe IMAGE --show-provenance --format json`:
 * an `image_summary` (the digest gcloud resolved) and `provenance_summary.provenance[]`, one
 * Container Analysis occurrence per provenance, each a DSSE envelope next to unsigned metadata
 * (`kind`, `resourceUri`) and a human-readable copy of the statement (`build`). Only the envelope
 * is signed; everything else is checked against it or against the artifact (see verify.ts).
 */
export interface GcloudDocument {
  readonly summary: { readonly digest?: string; readonly fullyQualifiedDigest?: string };
  readonly provenance: readonly GcbOccurrence[];
}

export interface GcbOccurrence {
  readonly index: number;
  readonly kind?: string;
  readonly resourceUri?: string;
  /** The unsigned, human-readable statement: `intotoStatement` (v0.1) or `inTotoSlsaProvenanceV1`. */
  readonly build: Readonly<Record<string, unknown>>;
  /** Absent when the occurrence has no envelope object; its fields are read (strictly) when verifying. */
  readonly envelope?: GcbEnvelope;
}

export interface GcbEnvelope {
  readonly payloadType?: string;
  /** As written (base64); decoded only when verifying. */
  readonly payload?: string;
  readonly signatures: readonly { readonly keyid?: string; readonly sig?: string }[];
}

/** gcloud lists one occurrence per provenance GCB wrote for the image: a handful, never hundreds. */
export const MAX_GCB_OCCURRENCES = 64;
/** Signatures per envelope: GCB writes one or two (a regional and a global key). */
export const MAX_GCB_SIGNATURES = 16;

/** Whether a parsed JSON value is a gcloud provenance document (recognised by `provenance_summary`). */
export function isGcloudDocument(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && 'provenance_summary' in value;
}

/**
 * Reads the document's shape. Missing or mistyped structure fails here; the envelope's content is
 * left to signature verification, which judges each occurrence on its own (a broken first
 * occurrence must not hide a valid second one, as slsa-verifier allows).
 */
export function parseGcloudDocument(value: unknown): Outcome<GcloudDocument> {
  if (!isRecord(value)) return bad('GCB_DOCUMENT_MALFORMED', 'the gcloud document is not a JSON object');
  const summary = value['image_summary'];
  if (summary !== undefined && !isRecord(summary)) return bad('GCB_DOCUMENT_MALFORMED', 'image_summary is not an object');
  const list = isRecord(value['provenance_summary']) ? value['provenance_summary']['provenance'] : undefined;
  if (!Array.isArray(list)) return bad('GCB_DOCUMENT_MALFORMED', 'provenance_summary.provenance is not a list');
  if (list.length === 0) return bad('GCB_NO_PROVENANCE', 'provenance_summary.provenance is empty');
  if (list.length > MAX_GCB_OCCURRENCES) return bad('ATTESTATION_TOO_LARGE', `more than ${MAX_GCB_OCCURRENCES} provenance occurrences`);
  const provenance: GcbOccurrence[] = [];
  for (const [index, item] of list.entries()) {
    if (!isRecord(item)) return bad('GCB_DOCUMENT_MALFORMED', `provenance[${index}] is not an object`);
    const build = item['build'] ?? {};
    if (!isRecord(build)) return bad('GCB_DOCUMENT_MALFORMED', `provenance[${index}].build is not an object`);
    const envelope = readEnvelope(item['envelope']);
    if (!envelope.ok) return bad(envelope.code, `provenance[${index}]: ${envelope.message}`);
    const kind = stringAt(item, 'kind');
    const resourceUri = stringAt(item, 'resourceUri');
    provenance.push({ index, build, ...(kind !== undefined && { kind }), ...(resourceUri !== undefined && { resourceUri }), ...(envelope.value && { envelope: envelope.value }) });
  }
  const digest = stringAt(summary, 'digest');
  const fullyQualifiedDigest = stringAt(summary, 'fully_qualified_digest');
  return ok({ summary: { ...(digest !== undefined && { digest }), ...(fullyQualifiedDigest !== undefined && { fullyQualifiedDigest }) }, provenance });
}

function readEnvelope(value: unknown): Outcome<GcbEnvelope | undefined> {
  if (value === undefined || value === null) return ok(undefined);
  if (!isRecord(value)) return bad('GCB_DOCUMENT_MALFORMED', 'envelope is not an object');
  const sigs = value['signatures'] ?? [];
  if (!Array.isArray(sigs)) return bad('GCB_DOCUMENT_MALFORMED', 'envelope.signatures is not a list');
  if (sigs.length > MAX_GCB_SIGNATURES) return bad('ATTESTATION_TOO_LARGE', `more than ${MAX_GCB_SIGNATURES} signatures on one envelope`);
  const signatures = sigs.map((s) => {
    const keyid = stringAt(s, 'keyid');
    const sig = stringAt(s, 'sig');
    return { ...(keyid !== undefined && { keyid }), ...(sig !== undefined && { sig }) };
  });
  const payloadType = stringAt(value, 'payloadType');
  const payload = stringAt(value, 'payload');
  return ok({ signatures, ...(payloadType !== undefined && { payloadType }), ...(payload !== undefined && { payload }) });
}
