import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { jsonOf, runCli } from '../testing/cli.js';
import { MOCK_IDENTITY, MOCK_ISSUER, startSigstoreMock, statementFor } from '../testing/sigstore-mock.js';
import type { SigstoreMock } from '../testing/sigstore-mock.js';

/**
 * `vouch artifact` with a DSSE bundle logged to Rekor v2 as hashedrekord 0.0.2 over the envelope
 * (timed by an RFC 3161 timestamp): as a file, as a digest and as an --attestation.
 */
const ARTIFACT = Buffer.from('release 1.2.3\n');
const SHA256 = crypto.createHash('sha256').update(ARTIFACT).digest('hex');
const SIGNER = ['--certificate-identity', MOCK_IDENTITY, '--certificate-oidc-issuer', MOCK_ISSUER];

let mock: SigstoreMock;
let dir: string;
let root: string;
let file: string;
let bundle: string;
let tampered: string;
before(async () => {
  mock = await startSigstoreMock();
  dir = mkdtempSync(join(tmpdir(), 'vouch-rekor-v2-'));
  root = join(dir, 'trusted_root.json');
  file = join(dir, 'release.tar');
  bundle = join(dir, 'release.sigstore.json');
  tampered = join(dir, 'tampered.sigstore.json');
  writeFileSync(root, JSON.stringify(mock.trustedRoot));
  writeFileSync(file, ARTIFACT);
  // SLSA v1 provenance whose builder is the signing workflow, as GitHub's generators write it.
  const statement = statementFor(ARTIFACT, 'release.tar') as { predicate: { buildDefinition: { externalParameters: unknown }; runDetails: { builder: { id: string } } } };
  statement.predicate.runDetails.builder.id = MOCK_IDENTITY;
  statement.predicate.buildDefinition.externalParameters = { workflow: { repository: 'https://github.com/acme/widget', ref: 'refs/heads/main', path: '.github/workflows/release.yml' } };
  const json = await mock.signStatement(statement, { rekor: 'v2', v2DsseAs: 'hashedrekord' });
  writeFileSync(bundle, JSON.stringify(json));
  const env = json['dsseEnvelope'] as { payloadType: string };
  env.payloadType = 'application/json';
  writeFileSync(tampered, JSON.stringify(json));
});
after(() => {
  mock.stop();
  rmSync(dir, { recursive: true, force: true });
});

const checkCodes = (out: Record<string, unknown>): string[] => ((out['evidence'] as { checks: { code: string; status: string }[] }).checks ?? []).filter((c) => c.status === 'fail').map((c) => c.code);

describe('vouch artifact with a Rekor v2 hashedrekord-over-DSSE bundle', { timeout: 120_000 }, () => {
  test('FILE --bundle and sha256:HEX --bundle pass', async () => {
    for (const target of [file, `sha256:${SHA256}`]) {
      const r = await runCli(['artifact', target, '--bundle', bundle, '--trusted-root', root, ...SIGNER, '--format', 'json']);
      assert.equal(r.code, 0, `${target}: ${r.stdout}${r.stderr}`);
    }
  });

  test('FILE --attestation with --source-uri and --builder-id passes', async () => {
    const r = await runCli(['artifact', file, '--attestation', bundle, '--trusted-root', root, '--source-uri', 'github.com/acme/widget', '--builder-id', MOCK_IDENTITY, '--format', 'json']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });

  test('a changed payload type fails in all three forms (exit 1)', async () => {
    const runs = [
      ['artifact', file, '--bundle', tampered, '--trusted-root', root, ...SIGNER],
      ['artifact', `sha256:${SHA256}`, '--bundle', tampered, '--trusted-root', root, ...SIGNER],
      ['artifact', file, '--attestation', tampered, '--trusted-root', root, '--source-uri', 'github.com/acme/widget', '--builder-id', MOCK_IDENTITY],
    ];
    for (const argv of runs) {
      const r = await runCli([...argv, '--format', 'json']);
      assert.equal(r.code, 1, `${argv.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.ok(checkCodes(jsonOf(r)).length > 0, r.stdout);
    }
  });
});
