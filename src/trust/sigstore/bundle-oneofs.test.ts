import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startSigstoreMock, statementFor } from '../../testing/sigstore-mock.js';
import type { SigstoreMock } from '../../testing/sigstore-mock.js';
import { parseBundleJSON } from './index.js';

/** A protobuf oneof with two members set is not a bundle: refused, whichever members they are. */
type Json = Record<string, unknown>;
let mock: SigstoreMock;
let message: Json;
let dsse: Json;
before(async () => {
  mock = await startSigstoreMock();
  message = await mock.signBlob(Buffer.from('x'));
  dsse = await mock.signStatement(statementFor(Buffer.from('x')));
});
after(() => mock.stop());

const code = (json: unknown): string => {
  const p = parseBundleJSON(json);
  return p.ok ? 'parsed' : p.code;
};
const vm = (b: Json): Json => b['verificationMaterial'] as Json;

describe('bundle oneofs', () => {
  test('the unchanged bundles parse', () => {
    assert.equal(code(message), 'parsed');
    assert.equal(code(dsse), 'parsed');
  });

  test('messageSignature and dsseEnvelope together are refused (both orders)', () => {
    const a = { ...structuredClone(message), dsseEnvelope: structuredClone(dsse['dsseEnvelope']) };
    const b = { ...structuredClone(dsse), messageSignature: structuredClone(message['messageSignature']) };
    for (const both of [a, b]) {
      const p = parseBundleJSON(both);
      assert.equal(p.ok, false);
      assert.equal(p.ok ? '' : p.code, 'BUNDLE_INVALID');
      assert.match(p.ok ? '' : p.message, /only one of messageSignature, dsseEnvelope/);
    }
  });

  test('certificate beside x509CertificateChain is refused', () => {
    const copy = structuredClone(message);
    const cert = vm(copy)['certificate'] ?? (vm(copy)['x509CertificateChain'] as { certificates: unknown[] }).certificates[0];
    vm(copy)['certificate'] = cert;
    vm(copy)['x509CertificateChain'] = { certificates: [cert] };
    assert.equal(code(copy), 'BUNDLE_INVALID');
  });

  test('publicKey beside a certificate is refused (either certificate form)', () => {
    const hint = crypto.randomBytes(32).toString('base64');
    for (const bundle of [message, dsse]) {
      const copy = structuredClone(bundle);
      vm(copy)['publicKey'] = { hint };
      const p = parseBundleJSON(copy);
      assert.equal(p.ok ? 'parsed' : p.code, 'BUNDLE_INVALID');
      assert.match(p.ok ? '' : p.message, /only one of publicKey, x509CertificateChain, certificate/);
    }
  });

  test('all three verification materials at once are refused', () => {
    const copy = structuredClone(dsse);
    const cert = vm(copy)['certificate'];
    vm(copy)['x509CertificateChain'] = { certificates: [cert] };
    vm(copy)['publicKey'] = { hint: 'aGludA==' };
    assert.equal(code(copy), 'BUNDLE_INVALID');
  });

  test('a member that is JSON null is unset (proto3 JSON) and does not count', () => {
    assert.equal(code({ ...structuredClone(message), dsseEnvelope: null }), 'parsed');
    const copy = structuredClone(dsse);
    vm(copy)['publicKey'] = null;
    assert.equal(code(copy), 'parsed');
  });
});
