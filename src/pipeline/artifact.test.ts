import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { noopLogger } from '../context.js';
import { runCli } from '../testing/cli.js';
import { isVouchError } from '../errors.js';
import { MOCK_IDENTITY, MOCK_ISSUER, startSigstoreMock, statementFor } from '../testing/sigstore-mock.js';
import type { SigstoreMock } from '../testing/sigstore-mock.js';
import { collectArtifactEvidence } from './artifact.js';
import { DEFAULT_LIMITS } from './options.js';
import type { ArtifactOptions, SigstoreOptions } from './options.js';

const ARTIFACT = Buffer.from('release tarball bytes\n');
const SHA256 = crypto.createHash('sha256').update(ARTIFACT).digest('hex');
const ctx = { now: new Date('2026-01-01T00:00:00Z'), log: noopLogger };

let mock: SigstoreMock;
let dir: string;
let rootFile: string;
let artifactFile: string;
before(async () => {
  mock = await startSigstoreMock();
  dir = mkdtempSync(join(tmpdir(), 'vouch-artifact-'));
  rootFile = join(dir, 'trusted_root.json');
  writeFileSync(rootFile, JSON.stringify(mock.trustedRoot));
  artifactFile = join(dir, 'release.tar.gz');
  writeFileSync(artifactFile, ARTIFACT);
});
after(() => {
  mock.stop();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
function bundleFile(json: unknown): string {
  const path = join(dir, `b${n++}.sigstore.json`);
  writeFileSync(path, typeof json === 'string' ? json : JSON.stringify(json));
  return path;
}
function options(target: string, bundle: string, sigstore: Partial<SigstoreOptions> = {}): ArtifactOptions {
  return {
    target,
    bundle,
    attestations: [],
    sigstore: { expected: { identity: MOCK_IDENTITY, issuer: MOCK_ISSUER }, trustedRoot: rootFile, insecureIgnoreTlog: false, ...sigstore },
    provenance: { workflowInputs: {} },
    limits: DEFAULT_LIMITS,
  };
}
const statusOf = (e: { checks: readonly { id: string; status: string; code: string }[] }) => Object.fromEntries(e.checks.map((c) => [c.id, `${c.status}:${c.code}`]));
async function rejects(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => isVouchError(e) && e.code === code);
}

describe('vouch artifact --bundle (in-process)', () => {
  test('file and digest: subject, checks, signature record, expectations', async () => {
    const bundle = bundleFile(await mock.signBlob(ARTIFACT));
    for (const target of [artifactFile, `sha256:${SHA256}`]) {
      const e = await collectArtifactEvidence(options(target, bundle), ctx);
      assert.equal(e.subject.kind, 'artifact');
      assert.equal(e.subject.digest, `sha256:${SHA256}`);
      assert.deepEqual(statusOf(e), {
        'artifact.bundle.format': 'pass:BUNDLE_PARSED',
        'artifact.bundle.identity': 'pass:SIGNER_IDENTITY_MATCHED',
        'artifact.bundle.signature': 'pass:SIGNATURE_VERIFIED',
        'artifact.bundle.tlog': 'pass:TLOG_VERIFIED',
      });
      const [sig] = e.signatures;
      assert.equal(sig?.kind, 'sigstore-bundle');
      assert.equal(sig?.verified, true);
      assert.equal(sig?.identity, MOCK_IDENTITY);
      assert.equal(sig?.issuer, MOCK_ISSUER);
      assert.equal(sig?.signedAt, mock.clock.toISOString());
      assert.equal(sig?.tlog?.length, 1);
      assert.equal(e.expectations['signature'], true);
    }
  });

  test('DSSE bundle: the artifact must be a subject', async () => {
    const bundle = bundleFile(await mock.signStatement(statementFor(ARTIFACT)));
    const ok = await collectArtifactEvidence(options(artifactFile, bundle), ctx);
    assert.equal(statusOf(ok)['artifact.bundle.subject'], 'pass:STATEMENT_SUBJECT_MATCHED');
    const other = await collectArtifactEvidence(options(`sha256:${'ab'.repeat(32)}`, bundle), ctx);
    assert.equal(statusOf(other)['artifact.bundle.subject'], 'fail:STATEMENT_SUBJECT_MISMATCH');
    assert.equal(other.signatures[0]?.verified, false);
  });

  test('keyless without an expected identity is a usage error', async () => {
    const bundle = bundleFile(await mock.signBlob(ARTIFACT));
    await rejects(collectArtifactEvidence(options(artifactFile, bundle, { expected: {} }), ctx), 'USAGE');
  });

  test('malformed bundles: a failed format check, or could-not-check for unknown versions and huge files', async () => {
    const e = await collectArtifactEvidence(options(artifactFile, bundleFile('{"mediaType": "application/vnd.dev')), ctx);
    assert.equal(statusOf(e)['artifact.bundle.format'], 'fail:BUNDLE_NOT_JSON');
    assert.equal(e.signatures[0]?.verified, false);
    await rejects(collectArtifactEvidence(options(artifactFile, bundleFile({ mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.9' })), ctx), 'UNSUPPORTED_FORMAT');
    const huge = bundleFile(' '.repeat(2048));
    await rejects(collectArtifactEvidence({ ...options(artifactFile, huge), limits: { ...DEFAULT_LIMITS, maxDocumentBytes: 1024 } }, ctx), 'LIMIT_EXCEEDED');
    await rejects(collectArtifactEvidence(options(join(dir, 'missing'), huge), ctx), 'INPUT_UNREADABLE');
  });

  test('--insecure-ignore-tlog: accepted, and the evidence says so', async () => {
    const bundle = bundleFile(await mock.signBlob(ARTIFACT, { rekor: 'none', tsa: true }));
    const strict = await collectArtifactEvidence(options(artifactFile, bundle), ctx);
    assert.equal(statusOf(strict)['artifact.bundle.tlog'], 'fail:TLOG_ENTRY_MISSING');
    const lax = await collectArtifactEvidence(options(artifactFile, bundle, { insecureIgnoreTlog: true }), ctx);
    assert.equal(statusOf(lax)['artifact.bundle.tlog'], 'skipped:TLOG_CHECK_DISABLED');
    assert.equal(lax.signatures[0]?.verified, true);
    assert.match(lax.warnings.join('\n'), /insecure-ignore-tlog/);
    assert.equal(lax.expectations['insecureIgnoreTlog'], true);
  });

});

describe('--rekor-url: online lookup against a loopback Rekor', () => {
  type Entries = Record<string, unknown>;
  let server: Server;
  let url: string;
  let served: { uuids: string[]; entries: Record<string, Entries>; status?: number } = { uuids: [], entries: {} };
  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const m = /^\/api\/v1\/log\/entries\/([0-9a-f]+)$/.exec(req.url ?? '');
        const entry = m?.[1] ? served.entries[m[1]] : undefined;
        if (served.status) res.writeHead(served.status).end('error');
        else if (req.method === 'POST' && req.url === '/api/v1/index/retrieve') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(served.uuids));
        else if (entry) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(entry));
        else res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  /** A keyless bundle without its log entry, and the entry as the real (mock) log returns it. */
  async function detached(data: Buffer): Promise<{ bundle: string; entry: Entries }> {
    const full = (await mock.signBlob(data)) as { verificationMaterial: { tlogEntries: { canonicalizedBody: string }[] } };
    const body = JSON.parse(Buffer.from(full.verificationMaterial.tlogEntries[0]?.canonicalizedBody ?? '', 'base64').toString('utf8')) as object;
    const entry = await mock.logEntry(body);
    full.verificationMaterial.tlogEntries = [];
    return { bundle: bundleFile(full), entry };
  }
  const serve = (...entries: Entries[]) => {
    served = { uuids: entries.map((e) => Object.keys(e)[0] ?? ''), entries: Object.fromEntries(entries.map((e) => [Object.keys(e)[0] ?? '', e])) };
  };

  test('the entry found by artifact hash is verified (SET, checkpoint, proof, body) and used', async () => {
    const { bundle, entry } = await detached(ARTIFACT);
    serve(entry);
    const e = await collectArtifactEvidence(options(artifactFile, bundle, { rekorUrl: url }), ctx);
    assert.equal(statusOf(e)['artifact.bundle.tlog'], 'pass:TLOG_VERIFIED');
    assert.equal(e.signatures[0]?.verified, true);
    assert.match(e.signatures[0]?.source ?? '', /log entry from http:\/\/127\.0\.0\.1/);
  });

  test('the built CLI does the same lookup: vouch artifact --rekor-url passes, and fails without the entry', async () => {
    const { bundle, entry } = await detached(ARTIFACT);
    const argv = ['artifact', artifactFile, '--bundle', bundle, '--trusted-root', rootFile, '--certificate-identity', MOCK_IDENTITY, '--certificate-oidc-issuer', MOCK_ISSUER, '--rekor-url', url, '--format', 'json'];
    serve(entry);
    const found = await runCli(argv);
    assert.equal(found.code, 0, found.stderr);
    serve();
    const missing = await runCli(argv);
    assert.equal(missing.code, 1, missing.stderr);
    assert.match(missing.stdout, /TLOG_ENTRY_MISSING/);
  });

  test('an entry for another artifact, or a tampered entry, is never trusted', async () => {
    const { bundle } = await detached(ARTIFACT);
    const { entry: foreign } = await detached(Buffer.from('another artifact'));
    serve(foreign);
    const e1 = await collectArtifactEvidence(options(artifactFile, bundle, { rekorUrl: url }), ctx);
    assert.equal(e1.signatures[0]?.verified, false);
    const { bundle: b2, entry } = await detached(ARTIFACT);
    const [uuid, value] = Object.entries(entry)[0] as [string, { verification: { signedEntryTimestamp: string; inclusionProof: { checkpoint: string } } }];
    const tampered = structuredClone(value);
    tampered.verification.signedEntryTimestamp = Buffer.from('nope').toString('base64');
    tampered.verification.inclusionProof.checkpoint = tampered.verification.inclusionProof.checkpoint.replace(/\n1\n/, '\n2\n');
    serve({ [uuid]: tampered });
    const e2 = await collectArtifactEvidence(options(artifactFile, b2, { rekorUrl: url }), ctx);
    assert.equal(e2.signatures[0]?.verified, false);
    assert.equal(statusOf(e2)['artifact.bundle.tlog']?.startsWith('fail:') || statusOf(e2)['artifact.bundle.signature']?.startsWith('fail:'), true);
  });

  test('a bare DSSE envelope with an inline certificate verifies once its log entry is found', async () => {
    const signed = (await mock.signStatement(statementFor(ARTIFACT))) as {
      verificationMaterial: { certificate: { rawBytes: string }; tlogEntries: { canonicalizedBody: string }[] };
      dsseEnvelope: { payloadType: string; payload: string; signatures: { sig: string }[] };
    };
    const body = JSON.parse(Buffer.from(signed.verificationMaterial.tlogEntries[0]?.canonicalizedBody ?? '', 'base64').toString('utf8')) as object;
    const pem = `-----BEGIN CERTIFICATE-----\n${signed.verificationMaterial.certificate.rawBytes}\n-----END CERTIFICATE-----\n`;
    const { payloadType, payload, signatures } = signed.dsseEnvelope;
    const bare = bundleFile({ payloadType, payload, signatures: [{ keyid: '', sig: signatures[0]?.sig, cert: pem }] });
    const withAttestation = (sigstore: Partial<SigstoreOptions>): ArtifactOptions => ({ ...options(artifactFile, bare, sigstore), bundle: undefined as unknown as string, attestations: [bare] });
    const offline = await collectArtifactEvidence(withAttestation({}), ctx);
    assert.equal(statusOf(offline)['provenance.signature'], 'fail:PROVENANCE_NO_LOG_PROOF');
    serve(await mock.logEntry(body));
    const online = await collectArtifactEvidence(withAttestation({ rekorUrl: url }), ctx);
    assert.equal(statusOf(online)['provenance.signature'], 'pass:SIGNATURE_VERIFIED');
    assert.equal(online.attestations[0]?.tlog?.length, 1);
    serve();
    const missing = await collectArtifactEvidence(withAttestation({ rekorUrl: url }), ctx);
    assert.equal(statusOf(missing)['provenance.signature'], 'fail:TLOG_ENTRY_MISSING');
  });

  test('no entry in the log: TLOG_ENTRY_MISSING; a failing log: could not check', async () => {
    const { bundle } = await detached(ARTIFACT);
    serve();
    const e = await collectArtifactEvidence(options(artifactFile, bundle, { rekorUrl: url }), ctx);
    assert.equal(statusOf(e)['artifact.bundle.tlog'], 'fail:TLOG_ENTRY_MISSING');
    served = { uuids: [], entries: {}, status: 500 };
    await rejects(collectArtifactEvidence(options(artifactFile, bundle, { rekorUrl: url }), ctx), 'NETWORK');
  });
});
