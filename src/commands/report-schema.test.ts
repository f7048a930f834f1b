import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { PROJECT_ROOT, runCli } from '../testing/cli.js';
import type { CliResult } from '../testing/cli.js';
import { SAMPLE_KEYS, sampleManifest, samplePath } from '../testing/sample.js';
import type { SampleImage } from '../testing/sample.js';
import { MOCK_IDENTITY, MOCK_ISSUER, startSigstoreMock } from '../testing/sigstore-mock.js';
import type { SigstoreMock } from '../testing/sigstore-mock.js';

/**
 * The real commands' `--format json` output, on the bundled sample world, against the published
 * report schema (docs/report.schema.json): a passing and a failing run of each command.
 */
const manifest = sampleManifest();
const twin = (name: string) => {
  const t = manifest.twins.find((x) => x.name === name);
  assert.ok(t, `sample twin ${name}`);
  return t;
};
const imageRef = (image: SampleImage | undefined): string => {
  assert.ok(image);
  return `oci:${samplePath(image.layout)}:${image.tag}`;
};
const IMAGE_TRUST = [
  '--platform', 'linux/amd64',
  '--key', SAMPLE_KEYS.cosign,
  '--trusted-root', SAMPLE_KEYS.trustedRoot,
  '--certificate-identity', manifest.identity,
  '--certificate-oidc-issuer', manifest.issuer,
  '--source-uri', manifest.sourceUri,
];

let validate: ValidateFunction;
before(() => {
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats.default(ajv);
  validate = ajv.compile(JSON.parse(readFileSync(join(PROJECT_ROOT, 'docs', 'report.schema.json'), 'utf8')) as object);
});

/** stdout must be exactly one JSON document (an object), and that document a valid report. */
function assertReport(r: CliResult, expected: { code: number; verdict: 'pass' | 'fail' }, what: string): Record<string, unknown> {
  assert.equal(r.code, expected.code, `${what}: exit ${r.code}\n${r.stderr}`);
  const text = r.stdout.trim();
  assert.ok(text.startsWith('{') && text.endsWith('}'), `${what}: stdout is not one JSON object:\n${r.stdout.slice(0, 200)}`);
  let doc: unknown;
  assert.doesNotThrow(() => (doc = JSON.parse(r.stdout)), `${what}: stdout is not exactly one JSON document`);
  assert.ok(doc !== null && typeof doc === 'object' && !Array.isArray(doc), `${what}: the document is not an object`);
  assert.ok(validate(doc), `${what}: ${JSON.stringify(validate.errors, null, 2)}`);
  const report = doc as Record<string, unknown>;
  assert.equal(report['verdict'], expected.verdict, what);
  return report;
}

describe('--format json reports of the real commands validate against docs/report.schema.json', () => {
  test('vouch apk: the sample package passes, its unknown-key twin fails', async () => {
    const apk = samplePath('apk', 'x86_64', 'hello-2.12-r0.apk');
    assertReport(await runCli(['apk', apk, '--apk-key', SAMPLE_KEYS.apk, '--format', 'json']), { code: 0, verdict: 'pass' }, 'apk (sample)');
    const rogue = samplePath(twin('unknown-key').apk ?? '');
    assertReport(await runCli(['apk', rogue, '--apk-key', SAMPLE_KEYS.apk, '--format', 'json']), { code: 1, verdict: 'fail' }, 'apk (unknown-key twin)');
  });

  test('vouch image: the sample image passes, its unowned-binary twin fails', async () => {
    assertReport(await runCli(['image', imageRef(manifest.image), ...IMAGE_TRUST, '--format', 'json']), { code: 0, verdict: 'pass' }, 'image (sample)');
    const t = twin('unowned-binary');
    const failed = assertReport(await runCli(['image', imageRef(t.image), ...IMAGE_TRUST, '--format', 'json']), { code: 1, verdict: 'fail' }, 'image (unowned-binary twin)');
    for (const m of t.mentions) assert.ok(JSON.stringify(failed).includes(m), `the report names ${m}`);
  });

  describe('vouch artifact: a bundle signed offline by the test Sigstore instance', () => {
    let mock: SigstoreMock;
    let dir: string;
    before(async () => {
      mock = await startSigstoreMock();
      dir = mkdtempSync(join(tmpdir(), 'vouch-report-schema-'));
    });
    after(() => {
      mock.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    test('the signed file passes, a different file with the same bundle fails', async () => {
      const file = join(dir, 'release.tar.gz');
      const other = join(dir, 'other.tar.gz');
      const bundle = join(dir, 'release.sigstore.json');
      const root = join(dir, 'trusted_root.json');
      writeFileSync(file, 'release tarball bytes\n');
      writeFileSync(other, 'some other bytes\n');
      writeFileSync(bundle, JSON.stringify(await mock.signBlob(readFileSync(file))));
      writeFileSync(root, JSON.stringify(mock.trustedRoot));
      const args = ['--bundle', bundle, '--trusted-root', root, '--certificate-identity', MOCK_IDENTITY, '--certificate-oidc-issuer', MOCK_ISSUER, '--format', 'json'];
      assertReport(await runCli(['artifact', file, ...args]), { code: 0, verdict: 'pass' }, 'artifact (signed file)');
      assertReport(await runCli(['artifact', other, ...args]), { code: 1, verdict: 'fail' }, 'artifact (another file)');
    });
  });
});
