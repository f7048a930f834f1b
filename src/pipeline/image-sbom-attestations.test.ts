import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSbomPredicate, verifiedImageSboms } from './image-sbom-attestations.js';
import type { VerifiedAttachment } from '../trust/cosign/index.js';

const spdx = { spdxVersion: 'SPDX-2.3', dataLicense: 'CC0-1.0', SPDXID: 'SPDXRef-DOCUMENT', name: 'img', documentNamespace: 'https://example.com/img', creationInfo: { created: '2026-01-01T00:00:00Z', creators: ['Tool: apko'] }, packages: [] };

function attachment(predicate: unknown, verified: boolean, predicateType = 'https://spdx.dev/Document'): VerifiedAttachment {
  const statement = { type: 'https://in-toto.io/Statement/v1', predicateType, subjects: [], predicate };
  return {
    attachment: { kind: 'dsse-attestation', source: `att ${String(verified)}`, attachedTo: `sha256:${'a'.repeat(64)}`, annotations: {}, envelope: Buffer.alloc(0) },
    result: { verified, code: verified ? 'SIGNATURE_VERIFIED' : 'SIGNATURE_INVALID', message: '', mediaType: '', content: 'dsse', stages: { signature: { status: 'pass', code: '', message: '' }, identity: { status: 'pass', code: '', message: '' }, tlog: { status: 'pass', code: '', message: '' } }, tlog: [], statement, warnings: [] },
    attestation: { predicateType, verified, interpreted: false, code: '', message: '', source: `att ${String(verified)}` },
  } as unknown as VerifiedAttachment;
}

test('image SBOMs: SPDX and CycloneDX predicate types, with or without a version', () => {
  for (const t of ['https://spdx.dev/Document', 'https://spdx.dev/Document/v2.3', 'https://cyclonedx.org/bom', 'https://cyclonedx.org/bom/v1.5']) assert.ok(isSbomPredicate(t), t);
  for (const t of ['https://slsa.dev/provenance/v1', 'https://spdx.dev/Documentation', 'https://example.com/spdx.dev/Document']) assert.ok(!isSbomPredicate(t), t);
});

test('image SBOMs: only verified attestations are read; cosign v1 "Data" wrappers are unwrapped', () => {
  const read = verifiedImageSboms([attachment(spdx, true), attachment(spdx, false), attachment({ Data: JSON.stringify(spdx), Timestamp: 'x' }, true), attachment({}, true, 'https://slsa.dev/provenance/v1')]);
  assert.equal(read.length, 2);
  for (const r of read) assert.equal(r.result.kind, 'sbom');
  assert.ok(read.every((r) => r.origin === 'att true'));
});
