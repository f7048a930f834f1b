/**
 * re2js (vouch's engine for CEL matches() and the identity flags) against V8's RegExp, on the
 * patterns vouch sees: a Fulcio identity against a workflow regexp (anchored, as the flags are), a
 * path against a policy pattern, a check id against the signature policy's pattern, and the
 * pathological ones from the hostile-input issue. V8 runs the pathological patterns on short
 * inputs only (longer ones do not finish); re2js on inputs 10,000 times longer. The figures go to
 * docs/adr/linear-regex.md.
 */
import { RE2JS } from 're2js';

const WORKFLOW = 'https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.2.3';

function perCall(fn: () => unknown, minMs = 200): number {
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < minMs) {
    for (let i = 0; i < 100; i++) fn();
    n += 100;
  }
  return ((performance.now() - start) / n) * 1000;
}

function once(fn: () => unknown): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

export function run(): Promise<void> {
  const cases: [string, string, string, boolean][] = [
    ['identity (anchored)', '^(?:https://github\\.com/acme/[^/]+/\\.github/workflows/release\\.yml@refs/tags/v.+)$', WORKFLOW, true],
    ['path', '^usr/(lib|share)/[a-z0-9_.-]+/.*\\.so(\\.[0-9]+)*$', 'usr/lib/libfoo-1.2/bar/libfoo.so.1.2.3', true],
    ['check id (signature policy)', '(^|[.])(signature|tlog)([.]|$)', 'image.signature.verified', true],
  ];
  console.log('| pattern | input chars | V8 RegExp | re2js | re2js / V8 |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const [name, pattern, input, expected] of cases) {
    const v8 = new RegExp(pattern);
    const re2 = RE2JS.compile(pattern);
    if (v8.test(input) !== expected || re2.matcher(input).find() !== expected) throw new Error(`${name}: engines disagree`);
    const a = perCall(() => v8.test(input));
    const b = perCall(() => re2.matcher(input).find());
    console.log(`| ${name} | ${input.length} | ${a.toFixed(2)} µs | ${b.toFixed(2)} µs | ${(b / a).toFixed(0)}x |`);
  }
  const compile = perCall(() => RE2JS.compile(cases[0]?.[1] ?? ''));
  console.log(`| compile identity pattern (re2js, cached by vouch) | | ${perCall(() => new RegExp(cases[0]?.[1] ?? '')).toFixed(2)} µs | ${compile.toFixed(2)} µs | |`);
  const hostile: [string, (n: number) => string, number, number][] = [
    ['.*x.*y (unanchored)', (n) => 'x'.repeat(n), 2000, 100_000],
    ['^(a+)+$', (n) => `${'a'.repeat(n)}!`, 24, 100_000],
    ['^(a|aa)*$', (n) => `${'a'.repeat(n)}!`, 32, 100_000],
  ];
  for (const [pattern, make, v8n, re2n] of hostile) {
    const source = pattern.replace(/ \(unanchored\)$/, '');
    const a = once(() => new RegExp(source).test(make(v8n)));
    const b = once(() => RE2JS.compile(source).matcher(make(v8n)).find());
    const c = once(() => RE2JS.compile(source).matcher(make(re2n)).find());
    console.log(`| ${pattern} | ${v8n} | ${a.toFixed(1)} ms | ${b.toFixed(1)} ms | |`);
    console.log(`| ${pattern} | ${re2n} | (does not finish) | ${c.toFixed(1)} ms | |`);
  }
  return Promise.resolve();
}
