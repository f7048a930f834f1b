/**
 * Parsing a Sigstore bundle from untrusted bytes: size cap, JSON, media type, strict base64 and
 * integer fields, then @sigstore/bundle's structural validation. Nothing here is cryptographic.
 * Outcomes are data so that a caller holding several candidate bundles (images) can skip a bad one
 * and a caller holding one (vouch artifact) can decide to stop.
 */
import { bundleFromJSON } from '@sigstore/bundle';
import type { Bundle } from '@sigstore/bundle';
import { ASN1Obj } from '@sigstore/core';
import { messageOf } from '../../errors.js';
import { jsonDepthProblem, valueTooDeep, MAX_JSON_DEPTH } from '../../evidence/index.js';
import { isStrictBase64 } from './base64.js';
import { checkOneofs } from './bundle-oneofs.js';
import type { BundleContentKind } from './types.js';

/** The bundle media types vouch knows, by spec version; anything else is refused. */
export const BUNDLE_MEDIA_TYPES: Readonly<Record<string, '0.1' | '0.2' | '0.3'>> = {
  'application/vnd.dev.sigstore.bundle+json;version=0.1': '0.1',
  'application/vnd.dev.sigstore.bundle+json;version=0.2': '0.2',
  'application/vnd.dev.sigstore.bundle+json;version=0.3': '0.3',
  'application/vnd.dev.sigstore.bundle.v0.3+json': '0.3',
};

/** Default cap for one bundle document; real bundles are a few kilobytes. */
export const DEFAULT_MAX_BUNDLE_BYTES = 16 * 1024 * 1024;

export type BundleParseFailure = 'too-large' | 'not-json' | 'unsupported-media-type' | 'invalid';

export interface ParsedBundle {
  readonly ok: true;
  readonly bundle: Bundle;
  readonly mediaType: string;
  readonly version: '0.1' | '0.2' | '0.3';
  readonly content: BundleContentKind;
}

export type BundleParseResult =
  | ParsedBundle
  | { readonly ok: false; readonly reason: BundleParseFailure; readonly code: string; readonly message: string; readonly mediaType?: string };

// Fields that protobuf JSON carries as base64 bytes (by key name, wherever they occur in a bundle).
const BYTES_FIELDS = new Set(['rawBytes', 'keyId', 'signedEntryTimestamp', 'rootHash', 'canonicalizedBody', 'signedTimestamp', 'payload', 'sig', 'digest']);
// int64 fields, carried as decimal strings; negative values are never valid (conformance
// `bundle-negative-log-index_fail`), and a value @sigstore/verify would only reject later for a
// misleading reason (a SET mismatch) is rejected here with a clear code.
const UINT_FIELDS = new Set(['logIndex', 'treeSize', 'integratedTime']);

export function parseBundle(bytes: Uint8Array, maxBytes: number = DEFAULT_MAX_BUNDLE_BYTES): BundleParseResult {
  if (bytes.length > maxBytes) {
    return { ok: false, reason: 'too-large', code: 'BUNDLE_TOO_LARGE', message: `bundle is ${bytes.length} bytes, more than the limit of ${maxBytes}` };
  }
  const text = Buffer.from(bytes).toString('utf8');
  // The field checks below recurse: depth is measured before anything walks the document.
  const deep = jsonDepthProblem(text);
  if (deep !== undefined) return { ok: false, reason: 'too-large', code: 'BUNDLE_TOO_DEEP', message: `bundle is ${deep}` };
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    return { ok: false, reason: 'not-json', code: 'BUNDLE_NOT_JSON', message: `bundle is not JSON: ${messageOf(err)}` };
  }
  return parseBundleJSON(json);
}

export function parseBundleJSON(json: unknown): BundleParseResult {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, reason: 'invalid', code: 'BUNDLE_INVALID', message: 'bundle is not a JSON object' };
  }
  // Bundles already parsed elsewhere (attestation files, image annotations, log answers) too.
  if (valueTooDeep(json)) return { ok: false, reason: 'too-large', code: 'BUNDLE_TOO_DEEP', message: `bundle is nested more than ${MAX_JSON_DEPTH} levels deep` };
  const mediaType = (json as Record<string, unknown>)['mediaType'];
  const version = typeof mediaType === 'string' ? BUNDLE_MEDIA_TYPES[mediaType] : undefined;
  if (typeof mediaType !== 'string' || version === undefined) {
    return { ok: false, reason: 'unsupported-media-type', code: 'BUNDLE_UNSUPPORTED_MEDIA_TYPE', message: `unknown bundle media type ${JSON.stringify(mediaType)}` };
  }
  const problems: string[] = [];
  checkFields(json, '', problems);
  checkOneofs(json as Json, problems);
  const dsse = (json as { dsseEnvelope?: { signatures?: unknown } | null }).dsseEnvelope;
  // The bundle spec allows exactly one DSSE signature; @sigstore/verify would silently use the
  // first of several, so a second (unverified) signature could ride along unnoticed.
  // (JSON null is an unset field.)
  if (dsse !== undefined && dsse !== null && (!Array.isArray(dsse.signatures) || dsse.signatures.length !== 1)) {
    problems.push('/dsseEnvelope/signatures: must hold exactly one signature');
  }
  checkDerFields(json as Json, problems);
  if (problems.length > 0) return invalid(mediaType, problems);
  try {
    const bundle = bundleFromJSON(json);
    const content: BundleContentKind = bundle.content.$case === 'dsseEnvelope' ? 'dsse' : 'message-signature';
    return { ok: true, bundle, mediaType, version, content };
  } catch (err) {
    const fields = (err as { fields?: unknown }).fields;
    return invalid(mediaType, Array.isArray(fields) && fields.length > 0 ? fields.map(String) : [messageOf(err)]);
  }
}

function invalid(mediaType: string, problems: readonly string[]): BundleParseResult {
  return { ok: false, reason: 'invalid', code: 'BUNDLE_INVALID', message: `invalid bundle: ${problems.slice(0, 5).join('; ')}`, mediaType };
}

/** Walks the JSON and records every bytes field that is not strict base64 and every bad integer. */
function checkFields(value: unknown, path: string, problems: string[]): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkFields(v, `${path}/${i}`, problems));
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [key, v] of Object.entries(value)) {
    const here = `${path}/${key}`;
    if (BYTES_FIELDS.has(key) && typeof v === 'string' && !isStrictBase64(v)) problems.push(`${here}: not valid base64`);
    else if (key === 'hashes' && Array.isArray(v)) v.forEach((h, i) => isStrictBase64(h) || problems.push(`${here}/${i}: not valid base64`));
    else if (key === 'signature' && typeof v === 'string' && !isStrictBase64(v)) problems.push(`${here}: not valid base64`);
    else if (UINT_FIELDS.has(key) && !isUint(v)) problems.push(`${here}: not a non-negative integer`);
    else checkFields(v, here, problems);
  }
}

type Json = Record<string, unknown>;

/**
 * Certificates and RFC 3161 tokens must be one DER SEQUENCE spanning exactly their bytes.
 * @sigstore/core's DER reader does not check the outer tag, so a certificate whose first byte is
 * flipped from 0x30 (SEQUENCE) to 0x31 (SET) still parses and verifies, since the signature covers
 * only the inner to-be-signed part; such bytes are not a certificate and are refused here.
 */
function checkDerFields(json: Json, problems: string[]): void {
  const vm = (json['verificationMaterial'] ?? {}) as { certificate?: { rawBytes?: unknown }; x509CertificateChain?: { certificates?: { rawBytes?: unknown }[] }; timestampVerificationData?: { rfc3161Timestamps?: { signedTimestamp?: unknown }[] } };
  const fields: [string, unknown, boolean][] = [['/verificationMaterial/certificate/rawBytes', vm.certificate?.rawBytes, true]];
  (Array.isArray(vm.x509CertificateChain?.certificates) ? vm.x509CertificateChain.certificates : []).forEach((c, i) => fields.push([`/verificationMaterial/x509CertificateChain/certificates/${i}/rawBytes`, c?.rawBytes, true]));
  (Array.isArray(vm.timestampVerificationData?.rfc3161Timestamps) ? vm.timestampVerificationData.rfc3161Timestamps : []).forEach((t, i) => fields.push([`/verificationMaterial/timestampVerificationData/rfc3161Timestamps/${i}/signedTimestamp`, t?.signedTimestamp, false]));
  for (const [path, value, certificate] of fields) {
    if (typeof value !== 'string' || !isStrictBase64(value)) continue;
    const der = Buffer.from(value, 'base64');
    if (!isDerSequence(der)) problems.push(`${path}: not a DER SEQUENCE`);
    else if (certificate && !isCertificateShape(der)) problems.push(`${path}: not an X.509 certificate`);
  }
}

/**
 * Certificate ::= SEQUENCE { tbsCertificate SEQUENCE, signatureAlgorithm SEQUENCE, signatureValue
 * BIT STRING } with no unused bits in the signature. The signature covers only tbsCertificate, and
 * @sigstore/core reads the signature bytes without looking at the BIT STRING's unused-bits byte,
 * so changing that byte gave a different certificate that still verified (found by the mutation
 * test); X.509 signatures are whole bytes, so anything but 0 is refused.
 */
function isCertificateShape(der: Buffer): boolean {
  try {
    const [tbs, alg, sig, ...rest] = ASN1Obj.parseBuffer(Buffer.from(der)).subs;
    return rest.length === 0 && tbs?.tag.toDER() === 0x30 && alg?.tag.toDER() === 0x30 && sig?.tag.toDER() === 0x03 && sig.value[0] === 0 && sig.value.length > 1;
  } catch {
    return false;
  }
}

export function isDerSequence(der: Buffer): boolean {
  if (der.length < 2 || der[0] !== 0x30) return false;
  const first = der[1] ?? 0;
  if (first < 0x80) return der.length === 2 + first;
  const n = first & 0x7f;
  if (n === 0 || n > 4 || der.length < 2 + n || der[2] === 0) return false;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + (der[2 + i] ?? 0);
  // Minimal (DER) length encoding only.
  if (len < 0x80) return false;
  return der.length === 2 + n + len;
}

function isUint(v: unknown): boolean {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0;
  return typeof v === 'string' && /^(0|[1-9]\d{0,18})$/.test(v);
}
