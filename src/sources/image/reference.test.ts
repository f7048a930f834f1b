import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isVouchError } from '../../errors.js';
import { apiHost, parseImageReference } from './reference.js';

const D = `sha256:${'ab'.repeat(32)}`;

test('reference: Docker Hub short names expand to library/ and latest', () => {
  assert.deepEqual(parseImageReference('alpine'), { kind: 'registry', registry: 'docker.io', repository: 'library/alpine', tag: 'latest', text: 'alpine' });
  assert.deepEqual(parseImageReference('chainguard/wolfi-base:1.2'), { kind: 'registry', registry: 'docker.io', repository: 'chainguard/wolfi-base', tag: '1.2', text: 'chainguard/wolfi-base:1.2' });
  assert.equal(apiHost('docker.io'), 'registry-1.docker.io');
  const hub = parseImageReference('index.docker.io/library/ubuntu:22.04');
  assert.equal(hub.kind === 'registry' && hub.registry, 'docker.io');
});

test('reference: registries with ports, digests, and tag plus digest', () => {
  const r = parseImageReference(`127.0.0.1:5000/demo/hello:v1@${D}`);
  assert.deepEqual(r, { kind: 'registry', registry: '127.0.0.1:5000', repository: 'demo/hello', tag: 'v1', digest: D, text: `127.0.0.1:5000/demo/hello:v1@${D}` });
  const l = parseImageReference('localhost/app');
  assert.equal(l.kind === 'registry' && l.registry, 'localhost');
  const byDigest = parseImageReference(`cgr.dev/chainguard/static@${D}`);
  assert.equal(byDigest.kind === 'registry' && byDigest.tag, undefined);
});

test('reference: oci layouts with tag or digest, docker archives', () => {
  assert.deepEqual(parseImageReference('oci:./layout'), { kind: 'oci-layout', dir: './layout', text: 'oci:./layout' });
  assert.deepEqual(parseImageReference('oci:/tmp/x:v2'), { kind: 'oci-layout', dir: '/tmp/x', tag: 'v2', text: 'oci:/tmp/x:v2' });
  assert.deepEqual(parseImageReference(`oci:/a/b@${D}`), { kind: 'oci-layout', dir: '/a/b', digest: D, text: `oci:/a/b@${D}` });
  assert.deepEqual(parseImageReference('docker-archive:img.tar'), { kind: 'docker-archive', file: 'img.tar', text: 'docker-archive:img.tar' });
});

test('reference: malformed references are usage errors with a hint', () => {
  for (const bad of ['', 'UPPER/case', 'docker://alpine', 'oci-archive:x.tar', 'containers-storage:x', `alpine@sha256:${'z'.repeat(64)}`, 'alpine@sha512:00', 'oci:', `oci:@${D}`, 'docker-archive:', 'repo:bad tag', 'a//b']) {
    assert.throws(
      () => parseImageReference(bad),
      (err: unknown) => isVouchError(err) && err.code === 'USAGE' && err.hints.length > 0,
      bad,
    );
  }
});
