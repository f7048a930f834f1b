import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { noopLogger } from '../../../context.js';
import { isVouchError } from '../../../errors.js';
import { tempDir } from '../../../testing/registry.js';
import { parseChallenge } from './auth.js';
import { findCredentials } from './credentials.js';
import { retryAfterMs } from './http.js';

function withConfig(config: unknown, run: (dir: string) => Promise<void>): Promise<void> {
  const tmp = tempDir('vouch-docker-config-');
  writeFileSync(join(tmp.dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return run(tmp.dir).finally(() => tmp.remove());
}

test('credentials: explicit flags win; one without the other is a usage error', async () => {
  assert.deepEqual(await findCredentials('r.example', { username: 'u', password: 'p', dockerConfigDir: '/nonexistent' }, noopLogger), { kind: 'basic', username: 'u', password: 'p' });
  await assert.rejects(findCredentials('r.example', { username: 'u' }, noopLogger), (e: unknown) => isVouchError(e) && e.code === 'USAGE');
  assert.equal(await findCredentials('r.example', { dockerConfigDir: '/nonexistent' }, noopLogger), undefined);
});

test('credentials: ~/.docker/config.json auths, Docker Hub v1 key, identity tokens', async () => {
  const auth = Buffer.from('bob:s3cret:with:colons').toString('base64');
  await withConfig(
    { auths: { 'r.example:5000': { auth }, 'https://index.docker.io/v1/': { auth: Buffer.from('hub:pw').toString('base64') }, 'id.example': { identitytoken: 'refresh' } } },
    async (dir) => {
      assert.deepEqual(await findCredentials('r.example:5000', { dockerConfigDir: dir }, noopLogger), { kind: 'basic', username: 'bob', password: 's3cret:with:colons' });
      assert.deepEqual(await findCredentials('docker.io', { dockerConfigDir: dir }, noopLogger), { kind: 'basic', username: 'hub', password: 'pw' });
      assert.deepEqual(await findCredentials('id.example', { dockerConfigDir: dir }, noopLogger), { kind: 'identity-token', token: 'refresh' });
      assert.equal(await findCredentials('other.example', { dockerConfigDir: dir }, noopLogger), undefined);
    },
  );
  await withConfig('{broken', async (dir) => {
    await assert.rejects(findCredentials('r.example', { dockerConfigDir: dir }, noopLogger), (e: unknown) => isVouchError(e) && e.code === 'INPUT_MALFORMED');
  });
});

test('credentials: credential helpers (docker-credential-<name> get) are run with the server on stdin', async () => {
  const bin = tempDir('vouch-cred-helper-');
  const oldPath = process.env['PATH'];
  try {
    mkdirSync(bin.dir, { recursive: true });
    const helper = join(bin.dir, 'docker-credential-vouchtest');
    writeFileSync(
      helper,
      '#!/bin/sh\nread server\ncase "$server" in\n  r.example) echo \'{"ServerURL":"r.example","Username":"helper-user","Secret":"helper-pw"}\';;\n  tok.example) echo \'{"ServerURL":"tok.example","Username":"<token>","Secret":"tkn"}\';;\n  *) echo "credentials not found in native keychain"; exit 1;;\nesac\n',
    );
    chmodSync(helper, 0o755);
    process.env['PATH'] = `${bin.dir}:${oldPath ?? ''}`;
    await withConfig({ credHelpers: { 'r.example': 'vouchtest', 'tok.example': 'vouchtest', 'none.example': 'vouchtest', 'bad.example': 'missing-helper' } }, async (dir) => {
      assert.deepEqual(await findCredentials('r.example', { dockerConfigDir: dir }, noopLogger), { kind: 'basic', username: 'helper-user', password: 'helper-pw' });
      assert.deepEqual(await findCredentials('tok.example', { dockerConfigDir: dir }, noopLogger), { kind: 'identity-token', token: 'tkn' });
      assert.equal(await findCredentials('none.example', { dockerConfigDir: dir }, noopLogger), undefined);
      await assert.rejects(findCredentials('bad.example', { dockerConfigDir: dir }, noopLogger), (e: unknown) => isVouchError(e) && e.code === 'UNAUTHORIZED');
    });
    await withConfig({ credsStore: '../evil' }, async (dir) => {
      await assert.rejects(findCredentials('r.example', { dockerConfigDir: dir }, noopLogger), (e: unknown) => isVouchError(e) && e.code === 'INPUT_MALFORMED');
    });
  } finally {
    process.env['PATH'] = oldPath;
    bin.remove();
  }
});

test('auth: WWW-Authenticate challenges and Retry-After values', () => {
  assert.deepEqual(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"'), {
    scheme: 'bearer',
    params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull' },
  });
  assert.deepEqual(parseChallenge('Basic realm="Registry Realm"'), { scheme: 'basic', params: { realm: 'Registry Realm' } });
  assert.equal(parseChallenge('Negotiate abc'), undefined);
  assert.equal(parseChallenge(undefined), undefined);
  assert.equal(retryAfterMs({ 'retry-after': '2' }), 2000);
  assert.equal(retryAfterMs({ 'retry-after': 'Wed, 21 Oct 2015 07:28:30 GMT', date: 'Wed, 21 Oct 2015 07:28:00 GMT' }), 30_000);
  assert.equal(retryAfterMs({ 'retry-after': 'Wed, 21 Oct 2015 07:28:30 GMT' }), undefined);
  assert.equal(retryAfterMs({}), undefined);
});
