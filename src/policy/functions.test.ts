import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { flattenOnce, globMatch, licenseSatisfies, parsePurl, purlValid, semverCompare, semverValid, setContains, setIntersects } from './functions.js';
import { policyEnvironment } from './cel-env.js';

describe('semver', () => {
  test('orders versions by semver.org §11 precedence', () => {
    // The example chain from the specification, each lower than the next.
    const chain = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.0.1', '1.1.0', '2.0.0', '10.0.0'];
    for (let i = 0; i + 1 < chain.length; i++) {
      assert.equal(semverCompare(chain[i] ?? '', chain[i + 1] ?? ''), -1n, `${chain[i]} < ${chain[i + 1]}`);
      assert.equal(semverCompare(chain[i + 1] ?? '', chain[i] ?? ''), 1n);
    }
    assert.equal(semverCompare('v1.2.3', '1.2.3+build.5'), 0n, 'a leading v and build metadata do not count');
  });

  test('refuses what is not a semantic version', () => {
    for (const bad of ['1.2', '01.2.3', '1.2.3-', 'latest', '2.12.1-r1.', '']) {
      assert.equal(semverValid(bad), false, bad);
      assert.throws(() => semverCompare(bad, '1.0.0'), /not a semantic version/);
    }
    assert.equal(semverValid('2.12.1-r1'), true);
  });
});

describe('globMatch', () => {
  test('"*" matches any run including "/", "?" one character, the rest literally', () => {
    assert.equal(globMatch('registry.acme.dev/legacy/app', 'registry.acme.dev/legacy/*'), true);
    assert.equal(globMatch('registry.acme.dev/legacy', 'registry.acme.dev/legacy/*'), false);
    assert.equal(globMatch('a.b', 'a?b'), true);
    assert.equal(globMatch('axb', 'a.b'), false, '"." is literal, not a regex');
    assert.equal(globMatch('', '*'), true);
    assert.equal(globMatch('abc', '*a*b*c*'), true);
    assert.equal(globMatch('abd', '*a*b*c*'), false);
  });

  test('a pattern built to backtrack finishes: linear-space two-pointer matching', () => {
    const value = 'a'.repeat(20_000);
    assert.equal(globMatch(value, `${'*a'.repeat(30)}b`), false);
  });
});

describe('purl and licenses', () => {
  test('purl() splits a package URL; an invalid one throws', () => {
    assert.deepEqual(parsePurl('pkg:apk/wolfi/openssl@3.3.2-r0?arch=x86_64'), {
      type: 'apk', namespace: 'wolfi', name: 'openssl', version: '3.3.2-r0', qualifiers: { arch: 'x86_64' }, subpath: '',
    });
    assert.equal(purlValid('not a purl'), false);
    assert.throws(() => parsePurl('not a purl'));
  });

  test('licenseSatisfies follows spdx-satisfies and caps OR expansion', () => {
    assert.equal(licenseSatisfies('MIT OR GPL-3.0-only', ['MIT']), true);
    assert.equal(licenseSatisfies('MIT AND GPL-3.0-only', ['MIT']), false);
    assert.equal(licenseSatisfies('GPL-2.0-or-later', ['GPL-3.0-only']), true);
    assert.equal(licenseSatisfies('MIT', []), false);
    const explosive = Array.from({ length: 12 }, (_, i) => `(MIT OR LicenseRef-choice-${i})`).join(' AND ');
    assert.throws(() => licenseSatisfies(explosive, ['MIT']), /OR operators/);
    assert.throws(() => licenseSatisfies('NOT A LICENSE ((', ['MIT']));
  });
});

describe('lists and sets', () => {
  test('flatten removes one level; sets compare by value in linear time', () => {
    assert.deepEqual(flattenOnce([['a'], ['b', ['c']], 'd']), ['a', 'b', ['c'], 'd']);
    assert.equal(setContains(['a', 'b', 'c'], ['c', 'a']), true);
    assert.equal(setContains(['a'], ['a', 'z']), false);
    assert.equal(setContains([], []), true);
    assert.equal(setContains([{ x: 1n, y: 'a' }], [{ y: 'a', x: 1n }]), true, 'maps compare by content, key order aside');
    assert.equal(setContains(['1'], [1n]), false, 'a string is not a number');
    assert.equal(setIntersects(['a', 'b'], ['z', 'b']), true);
    assert.equal(setIntersects(['a'], []), false);
    const big = Array.from({ length: 200_000 }, (_, i) => `p${i}`);
    assert.equal(setContains(big, [...big].reverse()), true);
  });
});

describe('the CEL environment', () => {
  test('every vouch function is callable from CEL', () => {
    const env = policyEnvironment();
    const ctx = { subject: { reference: 'registry.acme.dev/app:1' } };
    assert.equal(env.evaluate('semverLt("1.2.3", "1.10.0") && semverCompare("2.0.0", "2.0.0") == 0 && semverValid("v1.0.0")', ctx), true);
    assert.equal(env.evaluate('subject.reference.matchesGlob("registry.acme.dev/*")', ctx), true);
    assert.equal(env.evaluate('purl("pkg:npm/%40acme/left-pad@1.0.0").namespace == "@acme" && purlValid("pkg:x")', ctx), false);
    assert.equal(env.evaluate('licenseSatisfies("Apache-2.0 OR MIT", ["MIT"])', ctx), true);
    assert.equal(env.evaluate('sets.contains([["a"], ["b", "c"]].flatten(), ["c", "a"]) && !sets.intersects(["a"], ["b"])', ctx), true);
  });
});
