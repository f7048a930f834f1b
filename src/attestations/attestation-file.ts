import { jsonDepthProblem } from '../evidence/index.js';
import { isGcloudDocument } from './gcb/document.js';
import { bad, isRecord, ok } from './outcome.js';
import type { Outcome } from './outcome.js';

/** One signed attestation as it was found in a file. */
export type AttestationEntry =
  | {
      readonly kind: 'bundle';
      readonly bundle: Record<string, unknown>;
      readonly index: number;
      /** It came from npm's attestation document: such provenance needs --builder-id (evaluate.ts). */
      readonly npm?: true;
    }
  | { readonly kind: 'dsse'; readonly envelope: Record<string, unknown>; readonly index: number }
  /** `gcloud artifacts docker images describe --show-provenance --format json` (Google Cloud Build). */
  | { readonly kind: 'gcloud'; readonly document: Record<string, unknown>; readonly index: number };

/** Attestation files are small; a larger one is refused rather than parsed. */
export const MAX_ATTESTATION_FILE_BYTES = 64 * 1024 * 1024;
const MAX_ENTRIES = 1000;

/**
 * Splits an attestation file into its entries. Accepted shapes: a Sigstore bundle (any version),
 * a bare DSSE envelope, JSON lines (or concatenated JSON) of either — `.intoto.jsonl`,
 * `.build.slsa`, `.sigstore` — npm's attestation document `{"attestations": [{bundle}, ...]}`, and
 * gcloud's provenance document (`{"provenance_summary": …}`, verified by gcb/).
 * Anything else is refused: an unknown shape is never skipped silently.
 */
export function readAttestationFile(text: string): Outcome<AttestationEntry[]> {
  if (text.length > MAX_ATTESTATION_FILE_BYTES) return bad('ATTESTATION_TOO_LARGE', `attestation file is larger than ${MAX_ATTESTATION_FILE_BYTES} bytes`);
  // Measured on the text before parsing: the bundle and statement checks after it walk the values.
  const deep = jsonDepthProblem(text);
  if (deep !== undefined) return bad('ATTESTATION_TOO_LARGE', `attestation file is ${deep}`);
  const values = parseJsonSequence(text);
  if (!values.ok) return values;
  const entries: AttestationEntry[] = [];
  for (const value of values.value) {
    if (isGcloudDocument(value)) {
      entries.push({ kind: 'gcloud', document: value, index: entries.length });
      if (entries.length > MAX_ENTRIES) return bad('ATTESTATION_TOO_LARGE', `more than ${MAX_ENTRIES} attestations in one file`);
      continue;
    }
    const wrapped = isRecord(value) && Array.isArray(value['attestations']);
    const expanded = wrapped ? (value['attestations'] as unknown[]) : [value];
    for (const item of expanded) {
      const raw = isRecord(item) && isRecord(item['bundle']) && !('mediaType' in item) ? item['bundle'] : item;
      // npm's registry lists {predicateType, bundle}; GitHub's attestations API uses the same
      // wrapper with {bundle, repository_id}: only the first is npm's, whose rules differ.
      const npm = wrapped && isRecord(item) && typeof item['predicateType'] === 'string' && isRecord(item['bundle']);
      if (!isRecord(raw)) return bad('ATTESTATION_UNKNOWN_FORMAT', `entry ${entries.length} is not a JSON object`);
      if (typeof raw['mediaType'] === 'string' && raw['mediaType'].startsWith('application/vnd.dev.sigstore.bundle')) {
        entries.push({ kind: 'bundle', bundle: raw, index: entries.length, ...(npm && { npm: true as const }) });
      } else if ('payloadType' in raw && 'payload' in raw && 'signatures' in raw) {
        entries.push({ kind: 'dsse', envelope: raw, index: entries.length });
      } else {
        return bad('ATTESTATION_UNKNOWN_FORMAT', `entry ${entries.length} is neither a Sigstore bundle nor a DSSE envelope`);
      }
      if (entries.length > MAX_ENTRIES) return bad('ATTESTATION_TOO_LARGE', `more than ${MAX_ENTRIES} attestations in one file`);
    }
  }
  if (entries.length === 0) return bad('ATTESTATION_EMPTY', 'the attestation file holds no attestation');
  return ok(entries);
}

/** Parses one JSON document, or several separated by whitespace (JSON lines). */
function parseJsonSequence(text: string): Outcome<unknown[]> {
  const trimmed = text.trim();
  try {
    return ok([JSON.parse(trimmed)]);
  } catch {
    // Not a single document: read it as JSON lines.
  }
  const values: unknown[] = [];
  for (const [i, line] of trimmed.split(/\r?\n/).entries()) {
    if (line.trim() === '') continue;
    try {
      values.push(JSON.parse(line));
    } catch {
      return bad('ATTESTATION_MALFORMED', `line ${i + 1} is not JSON`);
    }
  }
  return ok(values);
}
