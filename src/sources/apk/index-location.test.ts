import assert from 'node:assert/strict';
import { test } from 'node:test';
import { indexCandidates, isApkIndexName } from './index-location.js';

test('isApkIndexName: APKINDEX.tar.gz and apk cache names, by file name only', () => {
  for (const yes of ['APKINDEX.tar.gz', './repo/x86_64/APKINDEX.tar.gz', 'https://h/os/x86_64/APKINDEX.tar.gz?x=1', '/var/cache/apk/APKINDEX.5a59b88b.tar.gz']) assert.ok(isApkIndexName(yes), yes);
  for (const no of ['hello-1.0-r0.apk', 'APKINDEX', 'APKINDEX.tar.gz/x.apk', 'https://h/APKINDEX.tar.gz/hello.apk', 'my-APKINDEX.tar.gz', 'APKINDEX.tar']) assert.ok(!isApkIndexName(no), no);
});

test('indexCandidates: the arch layout first, then flat; an index file stands for itself', () => {
  assert.deepEqual(indexCandidates('/srv/repo/', 'x86_64'), [
    { layout: 'arch', index: '/srv/repo/x86_64/APKINDEX.tar.gz', base: '/srv/repo/x86_64' },
    { layout: 'flat', index: '/srv/repo/APKINDEX.tar.gz', base: '/srv/repo' },
  ]);
  assert.deepEqual(indexCandidates('https://h/os', 'aarch64').map((c) => c.index), ['https://h/os/aarch64/APKINDEX.tar.gz', 'https://h/os/APKINDEX.tar.gz']);
  assert.deepEqual(indexCandidates('https://h/os/APKINDEX.tar.gz?token=1', 'x86_64'), [{ layout: 'index-file', index: 'https://h/os/APKINDEX.tar.gz?token=1', base: 'https://h/os/' }]);
  assert.deepEqual(indexCandidates('repo/APKINDEX.tar.gz', 'x86_64'), [{ layout: 'index-file', index: 'repo/APKINDEX.tar.gz', base: 'repo' }]);
  assert.deepEqual(indexCandidates('APKINDEX.tar.gz', 'x86_64')[0]?.base, '.');
});
