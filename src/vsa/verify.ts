/**
 * `vouch vsa verify`: a VSA checked the slsa-verifier way. Every given subject digest must be
 * among the statement's subjects, the verifier id and resource URI must be exactly the given ones,
 * the result PASSED, and each given level reached. The outcome is an Evidence document with one
 * check per expectation, judged by the built-in `vsa` policy like any other subject.
 */
import { createHash } from 'node:crypto';
import { assembleEvidence } from '../evidence/index.js';
import type { Check, Evidence } from '../evidence/index.js';
import { readVsaDocument } from './document.js';
import { levelReached } from './levels.js';
import { verifyVsaSignature } from './signature.js';
import { readVsaStatement } from './statement-read.js';
import { VSA_PREDICATE_TYPE } from './types.js';
import type { TrustedVsaKey, VsaStatement } from './types.js';

export interface VsaExpectations {
  /** ALG:VALUE each; all must be present (slsa-verifier's --subject-digest). */
  readonly subjectDigests: readonly string[];
  readonly verifierId: string;
  readonly resourceUri: string;
  readonly verifiedLevels: readonly string[];
  /** --public-key-id; default: the key's own fingerprint. */
  readonly keyId?: string;
}

export interface VsaFile {
  readonly path: string;
  readonly bytes: Buffer;
}

export function verifyVsaFile(file: VsaFile, keys: readonly TrustedVsaKey[], expected: VsaExpectations, options: { toolVersion: string; now: Date; maxDocumentBytes: number }): Evidence {
  const read = readVsaDocument(file.bytes, options.maxDocumentBytes);
  const digest = read.ok ? read.document.digest : `sha256:${sha256Hex(file.bytes)}`;
  const checks: Check[] = [];
  let statement: VsaStatement | undefined;
  let signer: string | undefined;
  if (!read.ok) {
    checks.push({ id: 'vsa.format', status: 'fail', code: read.code, message: read.message });
  } else {
    checks.push({ id: 'vsa.format', status: 'pass', code: 'VSA_READ', message: `a ${read.document.container === 'bundle' ? 'Sigstore bundle' : 'DSSE envelope'} with ${read.document.envelope.signatures.length} signature(s)` });
    const sig = verifyVsaSignature(read.document, keys, expected.keyId);
    if (!sig.ok) {
      checks.push({ id: 'vsa.signature', status: 'fail', code: sig.code, message: sig.message });
    } else {
      signer = sig.key.name;
      checks.push({ id: 'vsa.signature', status: 'pass', code: 'VSA_SIGNATURE_VERIFIED', message: `signed with ${sig.key.name} (key id ${sig.keyId})` });
      const st = readVsaStatement(read.document.envelope.payload);
      if (!st.ok) checks.push({ id: 'vsa.statement', status: 'fail', code: st.code, message: st.message });
      else {
        statement = st.statement;
        checks.push({ id: 'vsa.statement', status: 'pass', code: 'VSA_STATEMENT_READ', message: `a ${VSA_PREDICATE_TYPE} statement` });
      }
    }
  }
  checks.push(...(statement ? expectationChecks(statement, expected) : notReached()));
  return assembleEvidence({
    toolVersion: options.toolVersion,
    collectedAt: options.now.toISOString(),
    subject: { kind: 'vsa', reference: file.path, digest, size: file.bytes.length },
    checks,
    signatures: [
      {
        kind: 'dsse',
        verified: checks.some((c) => c.id === 'vsa.signature' && c.status === 'pass'),
        code: checks.find((c) => c.id === 'vsa.signature')?.code ?? checks[0]?.code ?? 'VSA_MALFORMED',
        message: checks.find((c) => c.id === 'vsa.signature')?.message ?? checks[0]?.message ?? '',
        ...(signer !== undefined && { key: signer, signer: { key: signer } }),
        source: file.path,
        digest,
      },
    ],
    attestations: statement
      ? [{ predicateType: VSA_PREDICATE_TYPE, verified: true, interpreted: true, code: 'VSA_SIGNATURE_VERIFIED', message: `verifier ${statement.predicate.verifier.id}, result ${statement.predicate.verificationResult}`, ...(signer !== undefined && { key: signer }), source: file.path, digest, subjects: statement.subject.map((s) => ({ ...(s.name !== undefined && { name: s.name }), digest: s.digest })) }]
      : [],
    provenance: [],
    sbom: null,
    inventory: null,
    reconciliation: null,
    expectations: {
      signature: true,
      subjectDigests: [...expected.subjectDigests],
      verifierId: expected.verifierId,
      resourceUri: expected.resourceUri,
      verifiedLevels: [...expected.verifiedLevels],
      ...(expected.keyId !== undefined && { publicKeyId: expected.keyId }),
    },
    warnings: [],
  });
}

function expectationChecks(st: VsaStatement, e: VsaExpectations): Check[] {
  const p = st.predicate;
  const missing = e.subjectDigests.filter((d) => !hasDigest(st, d));
  const unreached = e.verifiedLevels.filter((l) => !levelReached(l, p.verifiedLevels));
  const check = (id: string, held: boolean, code: string, message: string, expected: string, found: string): Check =>
    held ? { id, status: 'pass', code: `${code}_MATCHED`, message } : { id, status: 'fail', code: `${code}_MISMATCH`, message, expected, found };
  return [
    check('vsa.subject', missing.length === 0, 'VSA_SUBJECT', missing.length === 0 ? `the VSA names ${e.subjectDigests.join(', ')}` : `the VSA does not name ${missing.join(', ')}`, e.subjectDigests.join(', '), st.subject.flatMap((s) => Object.entries(s.digest).map(([a, v]) => `${a}:${v}`)).join(', ')),
    check('vsa.verifier', p.verifier.id === e.verifierId, 'VSA_VERIFIER', `verifier ${p.verifier.id}`, e.verifierId, p.verifier.id),
    check('vsa.resource-uri', p.resourceUri === e.resourceUri, 'VSA_RESOURCE_URI', `resource ${p.resourceUri}`, e.resourceUri, p.resourceUri),
    check('vsa.result', p.verificationResult === 'PASSED', 'VSA_RESULT', `verification result ${p.verificationResult}`, 'PASSED', p.verificationResult),
    check('vsa.levels', unreached.length === 0, 'VSA_LEVELS', unreached.length === 0 ? `levels ${p.verifiedLevels.join(', ') || '(none)'} reach ${e.verifiedLevels.join(', ') || 'what was asked'}` : `not reached: ${unreached.join(', ')}`, e.verifiedLevels.join(', '), p.verifiedLevels.join(', ')),
  ];
}

/** No signature verified (or no statement could be read): nothing the VSA says was looked at. */
function notReached(): Check[] {
  return ['vsa.subject', 'vsa.verifier', 'vsa.resource-uri', 'vsa.result', 'vsa.levels'].map((id) => ({ id, status: 'skipped' as const, code: 'NOT_REACHED', message: 'not checked: the VSA is not signed by a trusted key or cannot be read' }));
}

export function hasDigest(st: VsaStatement, algValue: string): boolean {
  const colon = algValue.indexOf(':');
  if (colon <= 0) return false;
  const alg = algValue.slice(0, colon);
  const value = algValue.slice(colon + 1);
  return st.subject.some((s) => Object.hasOwn(s.digest, alg) && s.digest[alg] === value);
}

function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
