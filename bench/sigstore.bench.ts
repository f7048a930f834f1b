/**
 * Sigstore bundle verification: what `vouch artifact <file> --bundle <b> --certificate-identity ..
 * --certificate-oidc-issuer ..` does in-process, next to the floor measured in the same run: a
 * minimal use of @sigstore/verify on the same bundle (bundleFromJSON, toTrustMaterial of the same
 * trusted root, toSignedEntity, Verifier.verify with the same identity policy).
 *
 * vouch builds its trust material on every verification (loadTrustMaterial: validate the trusted
 * root, TrustedRoot.fromJSON, toTrustMaterial; only the parsed embedded root is kept), so the floor
 * builds it on every call too. Both sides start from the same bytes held in memory; the "from files"
 * columns add reading the bundle, the artifact (and a --trusted-root file) to both sides, and run
 * vouch's whole pipeline function (collectArtifactEvidence: hashing the file, Evidence assembly).
 *
 * Bundles: real public-good bundles under ../shared/realdata (sigstore-conformance, sigstore-js,
 * sigstore-go) and a few others from there (Rekor v2 with a TSA, a key-signed bundle, a staging
 * bundle), plus bundles signed on the spot with @sigstore/mock + @sigstore/sign. Only bundles
 * that verify on both sides are measured.
 *
 * CLI start-up: `node bin/run.js` (dist/, run `npm run build` first) spawned repeatedly, next to
 * `node -e 0` and a minimal ESM script verifying the same bundle with @sigstore/verify.
 */
import { spawn } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleFromJSON } from '@sigstore/bundle';
import type { Bundle } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import type { KeyFinderFunc, TrustMaterial, VerificationPolicy } from '@sigstore/verify';
import { toArtifactOptions } from '../dist/cli/options.js';
import { noopLogger } from '../dist/context.js';
import { collectArtifactEvidence } from '../dist/pipeline/artifact.js';
import { REALDATA } from '../dist/testing/realdata.js';
import { keepVerifiedTimestamps } from '../dist/trust/sigstore/extra-checks.js';
import { embeddedPublicGoodRoot, parseBundle, trustFromJSON, verifyBundle } from '../dist/trust/sigstore/index.js';
import type { ArtifactInput, ParsedBundle, SignerExpectation, SigstoreTrust } from '../src/trust/sigstore/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CONFORMANCE = join(REALDATA, 'sigstore-sigstore-conformance/test/assets/bundle-verify');
/** Time spent per bundle and comparison (all contenders together); at least MIN_ROUNDS rounds. */
const BUDGET_MS = 3000;
const MIN_ROUNDS = 50;
const WARMUP = 15;
const CLI_RUNS = 10;

interface Case {
  readonly name: string;
  readonly bundlePath: string;
  readonly bundleBytes: Buffer;
  /** The artifact file, for the pipeline; absent when only a digest of it is known. */
  readonly artifactPath?: string;
  /** What vouch verifies against in the trust-layer comparison (what the pipeline would pass). */
  readonly artifact: ArtifactInput;
  /** trusted_root.json file; absent: the embedded public-good root. */
  readonly rootPath?: string;
  readonly root: unknown;
  readonly keyPath?: string;
  readonly keyPem?: string;
  /** Set once the floor has verified the bundle: the signer it found, as policy for both sides. */
  identity?: { readonly san: string; readonly issuer: string };
}

// ---------------------------------------------------------------------------------------------
// The floor: @sigstore/verify called directly.

function floorMaterial(root: unknown, keyPem: string | undefined): TrustMaterial {
  const key = keyPem === undefined ? undefined : createPublicKey(keyPem);
  const finder: KeyFinderFunc | undefined = key && (() => ({ publicKey: key, validFor: () => true }));
  return toTrustMaterial(TrustedRoot.fromJSON(root), finder);
}

function floorPolicy(c: Case): VerificationPolicy {
  return c.identity ? { subjectAlternativeName: c.identity.san, extensions: { issuer: c.identity.issuer } } : {};
}

function floorEntity(bundle: Bundle, artifact: Buffer | undefined) {
  return toSignedEntity(bundle, bundle.content.$case === 'messageSignature' ? artifact : undefined);
}

/** The whole floor from bytes in memory: parse, trust material, entity, verify with the policy. */
function floorVerify(c: Case, bundleBytes: Buffer, root: unknown, keyPem: string | undefined, artifact: Buffer | undefined): void {
  const bundle = bundleFromJSON(JSON.parse(bundleBytes.toString('utf8')));
  const material = floorMaterial(root, keyPem);
  new Verifier(material).verify(floorEntity(bundle, artifact), floorPolicy(c));
}

/** The floor from files: reads what vouch reads (the parsed public-good root is kept, as in vouch). */
async function floorFromFiles(c: Case, publicGood: unknown): Promise<void> {
  const [bundleBytes, artifact, rootText, keyPem] = await Promise.all([
    readFile(c.bundlePath),
    c.artifactPath === undefined ? undefined : readFile(c.artifactPath),
    c.rootPath === undefined ? undefined : readFile(c.rootPath, 'utf8'),
    c.keyPath === undefined ? undefined : readFile(c.keyPath, 'utf8'),
  ]);
  floorVerify(c, bundleBytes, rootText === undefined ? publicGood : JSON.parse(rootText), keyPem, artifact);
}

// ---------------------------------------------------------------------------------------------
// vouch: the trust layer as collectBundleEvidence calls it, and the pipeline function itself.

function expectation(c: Case): SignerExpectation {
  return c.identity ? { identity: c.identity.san, issuer: c.identity.issuer } : {};
}

function vouchTrust(c: Case): SigstoreTrust {
  return trustFromJSON(c.root, { source: c.rootPath ?? 'public-good', ...(c.keyPem !== undefined && { key: { name: c.keyPath ?? 'key.pub', pem: c.keyPem } }) });
}

function vouchParse(c: Case): ParsedBundle {
  const parsed = parseBundle(c.bundleBytes);
  if (!parsed.ok) throw new Error(`${c.name}: ${parsed.message}`);
  return parsed;
}

function vouchVerify(c: Case): void {
  const r = verifyBundle(vouchParse(c), c.artifact, vouchTrust(c), expectation(c));
  if (!r.verified) throw new Error(`${c.name}: ${r.code} ${r.message}`);
}

const ctx = { now: new Date(), log: noopLogger };

async function vouchPipeline(c: Case): Promise<void> {
  const flags = {
    bundle: c.bundlePath,
    ...(c.identity && { 'certificate-identity': c.identity.san, 'certificate-oidc-issuer': c.identity.issuer }),
    ...(c.rootPath !== undefined && { 'trusted-root': c.rootPath }),
    ...(c.keyPath !== undefined && { key: c.keyPath }),
  };
  const evidence = await collectArtifactEvidence(toArtifactOptions(c.artifactPath ?? '', flags), ctx);
  const sig = evidence.signatures[0];
  if (!sig?.verified) throw new Error(`${c.name}: ${sig?.code ?? 'no signature'} ${sig?.message ?? ''}`);
}

// ---------------------------------------------------------------------------------------------
// Timing: contenders alternate call by call, in a new (seeded) random order every round. With a
// fixed or flipped order one contender's calls came out systematically slower (garbage collections
// falling on it, most likely), which moved single ratios by more than 0.5x. Wall time and process
// CPU time per call, medians per contender: on a shared machine a call that waits for file I/O can
// lose its core for a while, which shows in wall time only.

type Contender = () => unknown;

interface Sample {
  readonly wall: number;
  readonly cpu: number;
}

async function once(fn: Contender): Promise<Sample> {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const r = fn();
  if (r instanceof Promise) await r;
  const wall = Number(process.hrtime.bigint() - t0) / 1e3;
  const c = process.cpuUsage(c0);
  return { wall, cpu: c.user + c.system };
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

let seed = 0x5eed;
/** 0..n-1 in a random order (mulberry32, seeded: runs draw the same orders). */
function shuffled(n: number): number[] {
  const order = Array.from({ length: n }, (_, k) => k);
  for (let i = n - 1; i > 0; i--) {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    const j = Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}

/** Median microseconds per call (wall and CPU) of each contender. */
async function compare(contenders: readonly Contender[]): Promise<{ wall: number[]; cpu: number[]; rounds: number }> {
  for (let i = 0; i < WARMUP; i++) for (const fn of contenders) await once(fn);
  const samples: Sample[][] = contenders.map(() => []);
  const start = performance.now();
  let rounds = 0;
  while (rounds < MIN_ROUNDS || performance.now() - start < BUDGET_MS) {
    const order = shuffled(contenders.length);
    for (const k of order) samples[k]?.push(await once(contenders[k] as Contender));
    rounds++;
  }
  return { wall: samples.map((xs) => median(xs.map((x) => x.wall))), cpu: samples.map((xs) => median(xs.map((x) => x.cpu))), rounds };
}

// ---------------------------------------------------------------------------------------------
// Bundles.

function realCases(publicGood: unknown): Case[] {
  if (!existsSync(CONFORMANCE)) return [];
  const cases: Case[] = [];
  const file = (path: string, name: string, artifactPath: string | undefined, artifact: ArtifactInput, rootPath?: string, keyPath?: string): void => {
    if (!existsSync(path)) return;
    cases.push({
      name,
      bundlePath: path,
      bundleBytes: readFileSync(path),
      ...(artifactPath !== undefined && { artifactPath }),
      artifact,
      ...(rootPath !== undefined && { rootPath }),
      root: rootPath === undefined ? publicGood : JSON.parse(readFileSync(rootPath, 'utf8')),
      ...(keyPath !== undefined && { keyPath, keyPem: readFileSync(keyPath, 'utf8') }),
    });
  };
  const aTxt = join(CONFORMANCE, 'a.txt');
  const bytes = (p: string): ArtifactInput => ({ kind: 'bytes', bytes: readFileSync(p) });
  // Conformance cases that must pass, public-good root (artifact a.txt, the beacon identity).
  for (const name of ['happy-path-v0.1', 'happy-path-v0.2', 'happy-path-v0.3-new-mediaType', 'happy-path-intoto-in-dsse-v3']) {
    file(join(CONFORMANCE, name, 'bundle.sigstore.json'), `conformance ${name}`, aTxt, bytes(aTxt));
  }
  // Rekor v2 + RFC 3161 timestamp, and a key-signed bundle: each with the case's own trusted root.
  file(join(CONFORMANCE, 'rekor2-happy-path', 'bundle.sigstore.json'), 'conformance rekor2-happy-path', aTxt, bytes(aTxt), join(CONFORMANCE, 'rekor2-happy-path', 'trusted_root.json'));
  const managed = join(CONFORMANCE, 'managed-key-and-trusted-root');
  file(join(managed, 'bundle.sigstore.json'), 'conformance managed-key-and-trusted-root', aTxt, bytes(aTxt), join(managed, 'trusted_root.json'), join(managed, 'key.pub'));
  // sigstore-js public-good DSSE bundles (v0.1-v0.3, dsse and intoto entries): the statement names
  // its subject by sha512 only and the artifact is not published, so vouch is given the digests.
  const js = join(REALDATA, 'sigstore-sigstore-js/tests/bundles');
  if (existsSync(js)) {
    const statement = JSON.parse(readFileSync(join(js, 'statement.json'), 'utf8')) as { subject: { digest: { sha512: string } }[] };
    const sha512 = statement.subject[0]?.digest.sha512 ?? '';
    const digest: ArtifactInput = { kind: 'digest', digest: { algorithm: 'sha256', hex: '00'.repeat(32) }, also: { sha512 } };
    for (const f of readdirSync(js).filter((n) => n.endsWith('.sigstore')).sort()) file(join(js, f), `sigstore-js ${f.replace(/\.sigstore$/, '')}`, undefined, digest);
  }
  // sigstore-go: npm provenance for sigstore@2.0.0 (public good), subject by sha512.
  const npm = join(REALDATA, 'sigstore-sigstore-go/pkg/testing/data/bundles/sigstore.js@2.0.0-provenance.sigstore.json');
  if (existsSync(npm)) {
    const env = (JSON.parse(readFileSync(npm, 'utf8')) as { dsseEnvelope: { payload: string } }).dsseEnvelope;
    const st = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8')) as { subject: { digest: Record<string, string> }[] };
    const also = st.subject[0]?.digest ?? {};
    file(npm, 'sigstore-go sigstore.js@2.0.0-provenance', undefined, { kind: 'digest', digest: { algorithm: 'sha256', hex: also['sha256'] ?? '00'.repeat(32) }, also });
  }
  // sigstore-python: a v0.3 bundle signed against staging (its staging trusted root).
  const py = join(REALDATA, 'sigstore-sigstore-python/test/assets');
  const staging = join(REALDATA, 'sigstore-sigstore-python/sigstore/_store/https%3A%2F%2Ftuf-repo-cdn.sigstage.dev/trusted_root.json');
  if (existsSync(join(py, 'bundle_v3.txt'))) file(join(py, 'bundle_v3.txt.sigstore'), 'sigstore-python bundle_v3 (staging)', join(py, 'bundle_v3.txt'), bytes(join(py, 'bundle_v3.txt')), staging);
  return cases;
}

/** Bundles signed on the spot by @sigstore/sign against @sigstore/mock's CA, logs and TSA. */
async function mockCases(dir: string): Promise<Case[]> {
  const { startSigstoreMock, statementFor, MOCK_IDENTITY, MOCK_ISSUER } = await import('../src/testing/sigstore-mock.js');
  const nock = (await import('nock')).default;
  const mock = await startSigstoreMock();
  try {
    const data = randomBytes(4096);
    const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const signed: [string, Record<string, unknown>, boolean][] = [
      ['mock hashedrekord, Rekor v1', await mock.signBlob(data), false],
      ['mock hashedrekord, Rekor v2 + TSA', await mock.signBlob(data, { rekor: 'v2' }), false],
      ['mock DSSE in-toto, Rekor v1', await mock.signStatement(statementFor(data)), false],
      ['mock key-signed, Rekor v1', await mock.signBlob(data, { key }), true],
    ];
    const artifactPath = join(dir, 'artifact.bin');
    const rootPath = join(dir, 'trusted_root.json');
    const keyPath = join(dir, 'key.pub');
    const keyPem = (key.publicKey as KeyObject).export({ format: 'pem', type: 'spki' }).toString();
    writeFileSync(artifactPath, data);
    writeFileSync(rootPath, JSON.stringify(mock.trustedRoot));
    writeFileSync(keyPath, keyPem);
    return signed.map(([name, bundle, keyed], i) => {
      const bundlePath = join(dir, `bundle-${i}.sigstore.json`);
      writeFileSync(bundlePath, JSON.stringify(bundle));
      return {
        name,
        bundlePath,
        bundleBytes: readFileSync(bundlePath),
        artifactPath,
        artifact: { kind: 'bytes', bytes: data },
        rootPath,
        root: mock.trustedRoot,
        ...(keyed ? { keyPath, keyPem } : { identity: { san: MOCK_IDENTITY, issuer: MOCK_ISSUER } }),
      } satisfies Case;
    });
  } finally {
    mock.stop();
    nock.restore();
  }
}

/** Runs the floor once without a policy: it must verify, and names the signer for both sides. */
function admit(c: Case): string | undefined {
  try {
    const bundle = bundleFromJSON(JSON.parse(c.bundleBytes.toString('utf8')));
    const artifact = c.artifact.kind === 'bytes' ? c.artifact.bytes : undefined;
    const signer = new Verifier(floorMaterial(c.root, c.keyPem)).verify(floorEntity(bundle, artifact));
    const san = signer.identity?.subjectAlternativeName;
    const issuer = signer.identity?.extensions?.issuer;
    if (c.keyPem === undefined) {
      if (san === undefined || issuer === undefined) return 'the floor found no signer identity';
      c.identity = { san, issuer };
    }
    floorVerify(c, c.bundleBytes, c.root, c.keyPem, artifact);
    vouchVerify(c);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

function describe(c: Case): string {
  const b = bundleFromJSON(JSON.parse(c.bundleBytes.toString('utf8')));
  const version = /version=(\d\.\d)|v(\d\.\d)\+json/.exec(b.mediaType);
  const entry = b.verificationMaterial.tlogEntries[0];
  const tsa = b.verificationMaterial.timestampVerificationData?.rfc3161Timestamps.length ?? 0;
  const kind = entry?.kindVersion ? `${entry.kindVersion.kind}/${entry.kindVersion.version}` : 'no entry';
  return `v${version?.[1] ?? version?.[2] ?? '?'} ${kind}${entry?.inclusionPromise ? ' SET' : ''}${tsa > 0 ? ' TSA' : ''}${c.keyPem !== undefined ? ' key' : ''}`;
}

// ---------------------------------------------------------------------------------------------
// CLI start-up.

/** A minimal script verifying one bundle with @sigstore/verify; args: bundle artifact san issuer. */
const FLOOR_SCRIPT = `
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
const [bundlePath, artifactPath, san, issuer, rootPath] = process.argv.slice(1);
let root;
if (rootPath) root = JSON.parse(readFileSync(rootPath, 'utf8'));
else {
  const seeds = JSON.parse(readFileSync(createRequire(process.cwd() + '/').resolve('@sigstore/tuf/seeds.json'), 'utf8'));
  root = JSON.parse(Buffer.from(seeds['https://tuf-repo-cdn.sigstore.dev'].targets['trusted_root.json'], 'base64').toString('utf8'));
}
const bundle = bundleFromJSON(JSON.parse(readFileSync(bundlePath, 'utf8')));
const entity = toSignedEntity(bundle, readFileSync(artifactPath));
const signer = new Verifier(toTrustMaterial(TrustedRoot.fromJSON(root))).verify(entity, { subjectAlternativeName: san, extensions: { issuer } });
process.stdout.write(JSON.stringify({ verified: true, identity: signer.identity }) + '\\n');
`;

interface Spawned {
  readonly first: number;
  readonly exit: number;
  readonly code: number | null;
  readonly stdout: string;
}

function timeSpawn(args: readonly string[]): Promise<Spawned> {
  const env = { ...process.env };
  delete env['NODE_OPTIONS'];
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    let first = 0;
    let stdout = '';
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const seen = () => (first ||= Number(process.hrtime.bigint() - t0) / 1e6);
    child.stdout.on('data', (d: Buffer) => {
      seen();
      stdout += d.toString('utf8');
    });
    child.stderr.on('data', seen);
    child.on('error', reject);
    child.on('close', (code) => resolve({ first, exit: Number(process.hrtime.bigint() - t0) / 1e6, code, stdout }));
  });
}

async function cliStartup(c: Case): Promise<void> {
  if (!existsSync(join(ROOT, 'dist/vouch.js'))) {
    console.log('\n(dist/ is missing: run `npm run build` first; CLI start-up not measured)');
    return;
  }
  if (c.identity === undefined || c.artifactPath === undefined) throw new Error('the CLI case needs a keyless bundle with an artifact file');
  const rootArgs = c.rootPath === undefined ? [] : [c.rootPath];
  const vouchRoot = c.rootPath === undefined ? [] : ['--trusted-root', c.rootPath];
  const commands: [string, string[], (s: Spawned) => boolean][] = [
    ['floor: node -e 0', ['-e', '0'], (s) => s.code === 0],
    ['floor: @sigstore/verify script, same bundle', ['--input-type=module', '-e', FLOOR_SCRIPT, c.bundlePath, c.artifactPath, c.identity.san, c.identity.issuer, ...rootArgs], (s) => s.code === 0 && s.stdout.includes('"verified":true')],
    ['vouch --version', ['bin/run.js', '--version'], (s) => s.code === 0],
    ['vouch artifact --help', ['bin/run.js', 'artifact', '--help'], (s) => s.code === 0],
    [
      'vouch artifact <file> --bundle .. --format json',
      ['bin/run.js', 'artifact', c.artifactPath, '--bundle', c.bundlePath, '--certificate-identity', c.identity.san, '--certificate-oidc-issuer', c.identity.issuer, ...vouchRoot, '--format', 'json'],
      (s) => s.code === 0 && s.stdout.includes('"verdict": "pass"'),
    ],
    // Breakdown: what parts of the run cost on their own (each in a fresh node).
    ['  part: node + import @oclif/core', ['--input-type=module', '-e', "await import('@oclif/core')"], (s) => s.code === 0],
    ['  part: node + import @noble/curves/nist.js', ['--input-type=module', '-e', "await import('@noble/curves/nist.js')"], (s) => s.code === 0],
    ['  part: node + import @sigstore/verify, bundle, protobuf-specs', ['--input-type=module', '-e', "await Promise.all(['@sigstore/verify', '@sigstore/bundle', '@sigstore/protobuf-specs'].map((m) => import(m)))"], (s) => s.code === 0],
    [
      '  part: node + load the default policy, compile its rules',
      ['--input-type=module', '-e', "const [p] = await (await import('./dist/cli/policies.js')).loadPolicies([]); const { compileExpression } = await import('./dist/policy/compile.js'); for (const r of p.rules) compileExpression(r.expression)"],
      (s) => s.code === 0,
    ],
  ];
  await timeSpawn(['-e', '0']); // warm the file cache
  const firsts: number[][] = commands.map(() => []);
  const exits: number[][] = commands.map(() => []);
  for (let i = 0; i < CLI_RUNS + 1; i++) {
    for (const [k, [name, args, ok]] of commands.entries()) {
      const s = await timeSpawn(args);
      if (!ok(s)) throw new Error(`${name}: exit ${s.code}: ${s.stdout.slice(0, 300)}`);
      if (i === 0) continue; // warm-up run
      firsts[k]?.push(s.first);
      exits[k]?.push(s.exit);
    }
  }
  console.log(`\nCLI start-up: ${c.name}, spawned ${CLI_RUNS} times each (after one warm-up run), interleaved; ms from spawn`);
  console.log('| command | first output median | first output min | exit median | exit min |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const [k, [name]] of commands.entries()) {
    const f = firsts[k] ?? [];
    const e = exits[k] ?? [];
    const cell = (xs: number[], pick: (xs: number[]) => number) => (xs.every((x) => x === 0) ? '-' : pick(xs).toFixed(0));
    console.log(`| ${name} | ${cell(f, median)} | ${cell(f, (xs) => Math.min(...xs))} | ${median(e).toFixed(0)} | ${Math.min(...e).toFixed(0)} |`);
  }
}

// ---------------------------------------------------------------------------------------------

export async function run(): Promise<void> {
  const publicGood = await embeddedPublicGoodRoot();
  const dir = mkdtempSync(join(tmpdir(), 'vouch-bench-sigstore-'));
  try {
    const real = realCases(publicGood);
    if (real.length === 0) console.log('(../shared/realdata is absent: only bundles signed on the spot with @sigstore/mock are measured)');
    const candidates = [...real, ...(await mockCases(dir))];
    const cases: Case[] = [];
    for (const c of candidates) {
      const why = admit(c);
      if (why === undefined) cases.push(c);
      else console.log(`(left out, does not verify on both sides: ${c.name}: ${why})`);
    }

    console.log('\nPer bundle: median µs per verification (wall), vouch / floor ratios of wall and of CPU time.');
    console.log('Trust material is built on every call on both sides. "in memory": bundle, artifact and trusted root');
    console.log('already in memory; "from files": both sides read them, and vouch runs collectArtifactEvidence.');
    const rows: string[][] = [['bundle', 'kind', 'floor µs', 'vouch µs', 'ratio', 'CPU ratio', 'floor files µs', 'vouch artifact µs', 'ratio', 'CPU ratio']];
    const ratios: number[][] = [[], [], [], []];
    const roundCounts: number[] = [];
    const x = (r: number) => `${r.toFixed(2)}x`;
    for (const c of cases) {
      const artifact = c.artifact.kind === 'bytes' ? c.artifact.bytes : undefined;
      const contenders: Contender[] = [() => floorVerify(c, c.bundleBytes, c.root, c.keyPem, artifact), () => vouchVerify(c)];
      const piped = c.artifactPath !== undefined;
      if (piped) contenders.push(() => floorFromFiles(c, publicGood), () => vouchPipeline(c));
      const { wall, cpu, rounds } = await compare(contenders);
      roundCounts.push(rounds);
      const [f = 0, v = 0, ff = 0, vp = 0] = wall;
      const [fc = 0, vc = 0, ffc = 0, vpc = 0] = cpu;
      const row = [c.name, describe(c), f.toFixed(0), v.toFixed(0), x(v / f), x(vc / fc)];
      ratios[0]?.push(v / f);
      ratios[1]?.push(vc / fc);
      if (piped) {
        ratios[2]?.push(vp / ff);
        ratios[3]?.push(vpc / ffc);
        row.push(ff.toFixed(0), vp.toFixed(0), x(vp / ff), x(vpc / ffc));
      } else {
        row.push('-', '-', '-', '-');
      }
      rows.push(row);
    }
    const geo = (xs: readonly number[] = []) => x(Math.exp(xs.reduce((sum, r) => sum + Math.log(r), 0) / xs.length));
    const [w = [], c = [], fw = [], fc = []] = ratios;
    rows.push([`geometric mean (${w.length} / ${fw.length} bundles)`, '', '', '', geo(w), geo(c), '', '', geo(fw), geo(fc)]);
    console.log(`(${Math.min(...roundCounts)}-${Math.max(...roundCounts)} rounds per bundle after ${WARMUP} warm-up calls)`);
    printTable(rows, new Set([0, 1]));

    await stages(cases);
    const cliCase = cases.find((c) => c.name === 'conformance happy-path-v0.3-new-mediaType') ?? cases.find((c) => c.name.startsWith('mock hashedrekord, Rekor v1'));
    if (cliCase) await cliStartup(cliCase);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Where vouch's time goes, stage by stage (wall medians, mean per bundle). */
async function stages(cases: readonly Case[]): Promise<void> {
  type Pair = [number, number];
  const all = { parse: [0, 0] as Pair, trust: [0, 0] as Pair, verify: [0, 0] as Pair };
  const tsa = { verify: [0, 0] as Pair, precheck: 0, count: 0 };
  for (const c of cases) {
    const artifact = c.artifact.kind === 'bytes' ? c.artifact.bytes : undefined;
    const bundle = bundleFromJSON(JSON.parse(c.bundleBytes.toString('utf8')));
    const material = floorMaterial(c.root, c.keyPem);
    const parsed = vouchParse(c);
    const trust = vouchTrust(c);
    const entity = floorEntity(bundle, artifact);
    const stamped = entity.timestamps.some((t) => t.$case === 'timestamp-authority');
    const { wall } = await compare([
      () => bundleFromJSON(JSON.parse(c.bundleBytes.toString('utf8'))),
      () => vouchParse(c),
      () => floorMaterial(c.root, c.keyPem),
      () => vouchTrust(c),
      () => new Verifier(material).verify(floorEntity(bundle, artifact), floorPolicy(c)),
      () => verifyBundle(parsed, c.artifact, trust, expectation(c)),
      ...(stamped ? [() => keepVerifiedTimestamps(entity, trust.material)] : []),
    ]);
    const [a = 0, b = 0, d = 0, e = 0, f = 0, g = 0, h = 0] = wall;
    all.parse[0] += a;
    all.parse[1] += b;
    all.trust[0] += d;
    all.trust[1] += e;
    all.verify[0] += f;
    all.verify[1] += g;
    if (stamped) {
      tsa.verify[0] += f;
      tsa.verify[1] += g;
      tsa.precheck += h;
      tsa.count++;
    }
  }
  const rows: string[][] = [['stage', 'floor µs', 'vouch µs', 'extra µs', 'ratio']];
  const line = (name: string, [f, v]: Pair, n: number) => rows.push([name, (f / n).toFixed(0), (v / n).toFixed(0), ((v - f) / n).toFixed(0), `${(v / f).toFixed(2)}x`]);
  const n = cases.length;
  line(`parse: JSON.parse + bundleFromJSON / parseBundle (mean of ${n})`, all.parse, n);
  line(`trust material: toTrustMaterial / trustFromJSON (mean of ${n})`, all.trust, n);
  line(`verify, material built: Verifier.verify / verifyBundle (mean of ${n})`, all.verify, n);
  if (tsa.count > 0) {
    line(`verify, bundles with RFC 3161 timestamps (mean of ${tsa.count})`, tsa.verify, tsa.count);
    rows.push(['  of which the timestamp pre-check (keepVerifiedTimestamps)', '', (tsa.precheck / tsa.count).toFixed(0), '', '']);
  }
  console.log('\nStages, each timed alone (wall medians):');
  printTable(rows, new Set([0]));
}

function printTable(rows: readonly string[][], left: ReadonlySet<number>): void {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const fmt = (r: readonly string[]) => `| ${r.map((c, i) => (left.has(i) ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  console.log(fmt(rows[0] ?? []));
  console.log(`| ${widths.map((w, i) => (left.has(i) ? '-'.repeat(w) : `${'-'.repeat(Math.max(w - 1, 3))}:`)).join(' | ')} |`);
  for (const r of rows.slice(1)) console.log(fmt(r));
}
