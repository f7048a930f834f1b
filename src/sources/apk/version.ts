/**
 * apk version ordering (apk-tools src/version.c, doc/apk-package.5 "pkgver"):
 * `1.2.3[letter][_suffix[N]]...[~hash][-rN]`, where pre-release suffixes sort before the plain
 * version and post-release ones after it. Used to pick the newest version of a package in an
 * index; versions that do not parse sort before every valid one.
 */

const SUFFIX_RANK: Readonly<Record<string, number>> = { alpha: 0, beta: 1, pre: 2, rc: 3, '': 4, cvs: 5, svn: 6, git: 7, hg: 8, p: 9 };
const VERSION = /^(\d+(?:\.\d+)*)([a-z]?)((?:_(?:alpha|beta|pre|rc|cvs|svn|git|hg|p)\d*)*)(?:~[0-9a-f]+)?(?:-r(\d+))?$/;

interface ParsedVersion {
  readonly numbers: readonly bigint[];
  readonly letter: string;
  readonly suffixes: readonly (readonly [number, bigint])[];
  readonly revision: bigint;
}

function parse(version: string): ParsedVersion | undefined {
  const m = VERSION.exec(version);
  if (!m) return undefined;
  const suffixes = [...(m[3] ?? '').matchAll(/_([a-z]+)(\d*)/g)].map((s) => [SUFFIX_RANK[s[1] ?? ''] ?? 4, BigInt(s[2] || '0')] as const);
  return { numbers: (m[1] ?? '0').split('.').map((n) => BigInt(n)), letter: m[2] ?? '', suffixes, revision: BigInt(m[4] ?? '0') };
}

const sign = (a: bigint | number | string, b: bigint | number | string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Negative when a < b, positive when a > b, 0 when equal. */
export function compareApkVersions(a: string, b: string): number {
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb) return pa ? 1 : pb ? -1 : sign(a, b);
  for (let i = 0; i < Math.max(pa.numbers.length, pb.numbers.length); i++) {
    const x = pa.numbers[i];
    const y = pb.numbers[i];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    if (x !== y) return sign(x, y);
  }
  if (pa.letter !== pb.letter) return sign(pa.letter, pb.letter);
  for (let i = 0; i < Math.max(pa.suffixes.length, pb.suffixes.length); i++) {
    const [rx, nx] = pa.suffixes[i] ?? [SUFFIX_RANK[''] as number, 0n];
    const [ry, ny] = pb.suffixes[i] ?? [SUFFIX_RANK[''] as number, 0n];
    if (rx !== ry) return sign(rx, ry);
    if (nx !== ny) return sign(nx, ny);
  }
  return sign(pa.revision, pb.revision);
}
