import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isVouchError } from '../../errors.js';
import { sha256Digest } from './digest.js';
import { parseManifest } from './manifest.js';
import type { Descriptor } from './manifest.js';
import { parsePlatform, selectPlatform } from './platform.js';

const D = (c: string): `sha256:${string}` => `sha256:${c.repeat(64)}`;
const raw = (doc: unknown, mediaType?: string) => {
  const bytes = Buffer.from(JSON.stringify(doc));
  return { bytes, digest: sha256Digest(bytes), ...(mediaType ? { mediaType } : {}) };
};

test('manifest: OCI and Docker manifests and indexes parse; media type from document, store or shape', () => {
  const image = { schemaVersion: 2, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: D('a'), size: 2 }, layers: [] };
  assert.equal(parseManifest(raw(image), 'x').kind, 'image');
  assert.equal(parseManifest(raw({ ...image, mediaType: 'application/vnd.docker.distribution.manifest.v2+json' }), 'x').mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
  const list = parseManifest(raw({ schemaVersion: 2, manifests: [] }, 'application/vnd.docker.distribution.manifest.list.v2+json'), 'x');
  assert.equal(list.kind, 'index');
  assert.equal(list.mediaType, 'application/vnd.docker.distribution.manifest.list.v2+json');
});

test('manifest: schema 1, unknown media types and malformed descriptors are refused', () => {
  const cases: [unknown, string][] = [
    [{ schemaVersion: 1, fsLayers: [] }, 'UNSUPPORTED_FORMAT'],
    [{ schemaVersion: 2, mediaType: 'application/vnd.example+json', layers: [] }, 'UNSUPPORTED_FORMAT'],
    [{ schemaVersion: 2 }, 'UNSUPPORTED_FORMAT'],
    [{ schemaVersion: 3, layers: [] }, 'INPUT_MALFORMED'],
    [{ schemaVersion: 2, config: { mediaType: 'x', digest: 'sha256:00', size: 1 }, layers: [] }, 'INPUT_MALFORMED'],
    [{ schemaVersion: 2, config: { mediaType: 'x', digest: D('a'), size: -1 }, layers: [] }, 'INPUT_MALFORMED'],
    [{ schemaVersion: 2, config: { mediaType: 'x', digest: D('a'), size: 1 }, layers: [{ digest: D('b'), size: 1 }] }, 'INPUT_MALFORMED'],
    [{ schemaVersion: 2, manifests: [{ mediaType: 'x', digest: D('a'), size: 1, platform: { os: 'linux' } }] }, 'INPUT_MALFORMED'],
    [[1, 2], 'INPUT_MALFORMED'],
  ];
  for (const [doc, code] of cases) {
    assert.throws(() => parseManifest(raw(doc), 'x'), (err: unknown) => isVouchError(err) && err.code === code, JSON.stringify(doc));
  }
  assert.throws(() => parseManifest({ bytes: Buffer.from('{not json'), digest: D('c') }, 'x'), (err: unknown) => isVouchError(err) && err.code === 'INPUT_MALFORMED');
});

const entry = (c: string, os: string, architecture: string, variant?: string): Descriptor => ({
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: D(c),
  size: 1,
  platform: { os, architecture, ...(variant ? { variant } : {}) },
});

test('platform: picks the wanted platform, never BuildKit attestation entries', () => {
  const entries = [entry('0', 'unknown', 'unknown'), entry('1', 'linux', 'amd64'), entry('2', 'linux', 'arm64', 'v8'), entry('3', 'linux', 'arm', 'v7'), entry('4', 'linux', 'arm', 'v6')];
  assert.equal(selectPlatform(entries, parsePlatform('linux/amd64'), 'x').digest, D('1'));
  assert.equal(selectPlatform(entries, parsePlatform('linux/arm64'), 'x').digest, D('2'));
  assert.equal(selectPlatform(entries, parsePlatform('linux/arm/v6'), 'x').digest, D('4'));
  assert.equal(selectPlatform([entry('5', 'linux', 'arm64')], parsePlatform('linux/arm64/v8'), 'x').digest, D('5'));
  assert.throws(
    () => selectPlatform(entries, parsePlatform('linux/s390x'), 'x'),
    (err: unknown) => isVouchError(err) && err.code === 'NOT_FOUND' && /linux\/amd64/.test(err.hints.join(' ')) && !/unknown/.test(err.hints.join(' ')),
  );
  assert.throws(() => selectPlatform(entries, parsePlatform('unknown/unknown'), 'x'), (err: unknown) => isVouchError(err) && err.code === 'NOT_FOUND');
  for (const bad of ['linux', 'linux/amd64/v1/x', 'Linux/AMD64', '']) assert.throws(() => parsePlatform(bad), (err: unknown) => isVouchError(err) && err.code === 'USAGE');
});

test('manifest: media types that contradict each other, or a shape of the other kind, are refused', () => {
  const OCI = 'application/vnd.oci.image.manifest.v1+json';
  const DOCKER = 'application/vnd.docker.distribution.manifest.v2+json';
  const INDEX = 'application/vnd.oci.image.index.v1+json';
  const image = { schemaVersion: 2, config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: D('a'), size: 2 }, layers: [] };
  const index = { schemaVersion: 2, manifests: [] };
  const refused = (r: ReturnType<typeof raw> & { descriptorMediaType?: string }, why: RegExp): void =>
    assert.throws(() => parseManifest(r, 'x'), (e: unknown) => isVouchError(e) && e.code === 'INPUT_MALFORMED' && why.test(e.message));
  // The document against the Content-Type, and against the descriptor that named it.
  refused(raw({ ...image, mediaType: OCI }, DOCKER), /the document says .*oci.*, the store reported .*docker/);
  refused({ ...raw({ ...image, mediaType: OCI }), descriptorMediaType: DOCKER }, /its descriptor says/);
  // An index where a manifest was named, and the other way round, with no mediaType field.
  refused({ ...raw(index), descriptorMediaType: OCI }, /must not have a manifests list|contradict/);
  refused({ ...raw(image, INDEX) }, /must not have config or layers/);
  refused({ ...raw({ ...image, mediaType: INDEX, manifests: [] }) }, /must not have config or layers/);
  refused({ ...raw({ ...index, mediaType: OCI, layers: [] }) }, /must not have a manifests list/);
  // Agreement, and a Content-Type that names no manifest type, are fine.
  assert.equal(parseManifest({ ...raw({ ...image, mediaType: OCI }, `${OCI}; charset=utf-8`), descriptorMediaType: OCI }, 'x').kind, 'image');
  assert.equal(parseManifest(raw({ ...image, mediaType: OCI }, 'application/json'), 'x').kind, 'image');
  assert.equal(parseManifest({ ...raw(index, INDEX), descriptorMediaType: INDEX }, 'x').kind, 'index');
});
