/**
 * Reads a VSA document from untrusted bytes: a Sigstore bundle (vouch's own, or any v0.1-v0.3
 * DSSE bundle) or a bare DSSE envelope (slsa-verifier's test data, cosign `.att` layers). Nothing
 * here is cryptographic, and nothing is trusted yet: the statement is only read once a signature
 * over exactly these payload bytes has verified (see signature.ts and statement-read.ts).
 */
import { createHash } from 'node:crypto';
import { parseDsseEnvelope } from '../attestations/index.js';
import type { DsseEnvelope } from '../attestations/index.js';
import { jsonDepthProblem } from '../evidence/index.js';
import { parseBundleJSON } from '../trust/sigstore/index.js';
import type { ParsedBundle } from '../trust/sigstore/index.js';
import type { VsaContainer } from './types.js';

export interface VsaDocument {
  readonly container: VsaContainer;
  /** sha256 of the document's bytes, as a report and the Evidence name it. */
  readonly digest: string;
  readonly envelope: DsseEnvelope;
  readonly bundle?: ParsedBundle;
}

export type DocumentOutcome = { readonly ok: true; readonly document: VsaDocument } | { readonly ok: false; readonly code: string; readonly message: string };

const bad = (code: string, message: string): DocumentOutcome => ({ ok: false, code, message });

export function readVsaDocument(bytes: Buffer, maxBytes: number): DocumentOutcome {
  if (bytes.length > maxBytes) return bad('VSA_TOO_LARGE', `the VSA is ${bytes.length} bytes, more than the limit of ${maxBytes}`);
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  // Depth is measured before JSON.parse builds anything from an attacker's nesting.
  const deep = jsonDepthProblem(text);
  if (deep !== undefined) return bad('VSA_MALFORMED', `the VSA is ${deep}`);
  let json: unknown;
  try {
    // slsa-verifier's files are .jsonl with one envelope: a trailing newline is fine, two documents are not.
    json = JSON.parse(text);
  } catch {
    return bad('VSA_MALFORMED', 'the VSA is not one JSON document');
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return bad('VSA_MALFORMED', 'the VSA is not a JSON object');
  if ('mediaType' in json) {
    const parsed = parseBundleJSON(json);
    if (!parsed.ok) return bad('VSA_MALFORMED', `the VSA bundle is unusable: ${parsed.message}`);
    if (parsed.content !== 'dsse') return bad('VSA_MALFORMED', 'the VSA bundle holds a message signature, not a DSSE envelope');
    const env = parseDsseEnvelope((json as { dsseEnvelope?: unknown }).dsseEnvelope);
    if (!env.ok) return bad('VSA_MALFORMED', `the VSA bundle's envelope: ${env.message}`);
    return { ok: true, document: { container: 'bundle', digest, envelope: env.value, bundle: parsed } };
  }
  const env = parseDsseEnvelope(json);
  if (!env.ok) return bad('VSA_MALFORMED', `the VSA envelope: ${env.message}`);
  return { ok: true, document: { container: 'envelope', digest, envelope: env.value } };
}
