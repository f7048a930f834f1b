import assert from 'node:assert/strict';
import { test } from 'node:test';
import { anchored, matchIdentity } from './identity.js';

const WORKFLOW = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.2.3';
const ISSUER = 'https://token.actions.githubusercontent.com';

test('identity regexps are anchored: the whole value must match', () => {
  assert.equal(anchored('https://github\\.com/acme/app/.+').test(WORKFLOW), true);
  assert.equal(anchored('acme/app').test(WORKFLOW), false, 'a substring is not enough');
  assert.equal(anchored('a|ab').test('ab'), true, 'any alternative may span the whole value');
  assert.equal(anchored('a|ab').test('abc'), false);
  assert.equal(anchored('x$').test('x\n'), false, '$ is the end of the value, not of a line');
});

test('identity regexps run in linear time: patterns that backtrack in V8 answer at once', { timeout: 30_000 }, () => {
  // In V8 each of these takes longer than the age of the universe (or minutes, for .*x.*y).
  const long = `${'a'.repeat(100_000)}!`;
  assert.equal(anchored('(a+)+').test(long), false);
  assert.equal(anchored('(a|aa)*').test(long), false);
  assert.equal(anchored('.*x.*y').test('x'.repeat(100_000)), false);
  const expected = { identityRegexp: '(https://github\\.com/.+)+x', issuer: ISSUER };
  assert.equal(matchIdentity({ identity: `https://github.com/${'a'.repeat(50_000)}`, issuer: ISSUER }, expected).code, 'SIGNER_IDENTITY_MISMATCH');
});

test('identity regexps RE2 refuses throw; a pattern cannot escape the anchors', () => {
  for (const bad of ['(a)\\1', 'a(?=b)', '(?<!a)b', 'a)|(.*', '(']) assert.throws(() => anchored(bad), bad);
});
