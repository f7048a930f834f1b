import { VouchError } from '../errors.js';
import type { InstalledPackage, OwnedFile } from './types.js';

/**
 * Reader for apk's installed database (lib/apk/db/installed, usr/lib/apk/db/installed on usrmerged
 * Wolfi images). Blank-line separated records of "X:value" lines (apk-tools src/database.c):
 * package fields first, then per directory "F:" (+ "M:uid:gid:mode"), per file "R:" (+ "a:" and
 * "Z:"). The database is input from the thing being checked, so every line is bounded and checked,
 * and a malformed record becomes a problem instead of stopping the read: one bad record must not
 * hide the others, and must never be silently dropped either.
 */

export interface InstalledDbProblem {
  /** 1-based line number in the database text. */
  readonly line: number;
  readonly package?: string;
  readonly reason: string;
}

export interface InstalledDbResult {
  readonly packages: InstalledPackage[];
  readonly problems: InstalledDbProblem[];
}

export interface InstalledDbLimits {
  readonly maxBytes: number;
  readonly maxPackages: number;
  readonly maxEntries: number;
  readonly maxLineLength: number;
}

export const INSTALLED_DB_LIMITS: InstalledDbLimits = {
  maxBytes: 256 * 1024 ** 2,
  maxPackages: 100_000,
  maxEntries: 5_000_000,
  maxLineLength: 64 * 1024,
};

/** apk's checksum spelling (src/blob.c): "Q1" + base64, or "X1" + hex, of a SHA-1 or SHA-256. */
export interface ApkDigest {
  readonly algorithm: 'sha1' | 'sha256';
  /** Lower-case hex. */
  readonly hex: string;
}

const HEX_DIGITS = '0123456789abcdef';
const BYTE_HEX = Array.from({ length: 256 }, (_, b) => `${HEX_DIGITS[b >> 4]}${HEX_DIGITS[b & 15]}`);
const B64_VALUE = new Int8Array(128).fill(-1);
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].entries()) B64_VALUE[c.charCodeAt(0)] = i;

/**
 * Decodes a "Q1…"/"X1…" checksum; undefined for anything apk would not have written. Hand-rolled
 * rather than through Buffer: it runs once per owned file of an image (tens of thousands), where
 * Buffer's per-call overhead dominated reconciliation time.
 */
export function decodeApkChecksum(raw: string): ApkDigest | undefined {
  const hex = raw.startsWith('Q1') ? base64ToHex(raw, 2) : raw.startsWith('X1') ? hexBody(raw) : undefined;
  if (hex === undefined) return undefined;
  if (hex.length === 40) return { algorithm: 'sha1', hex };
  if (hex.length === 64) return { algorithm: 'sha256', hex };
  return undefined;
}

function hexBody(raw: string): string | undefined {
  const body = raw.slice(2).toLowerCase();
  return body.length % 2 === 0 && /^[0-9a-f]+$/.test(body) ? body : undefined;
}

/** Strict base64 (padded, canonical: unused trailing bits zero) to lower-case hex. */
function base64ToHex(raw: string, from: number): string | undefined {
  let end = raw.length;
  let pad = 0;
  while (end > from && raw.charCodeAt(end - 1) === 61 /* = */ && pad < 2) {
    end--;
    pad++;
  }
  if ((raw.length - from) % 4 !== 0 || end === from) return undefined;
  let out = '';
  let acc = 0;
  let bits = 0;
  for (let i = from; i < end; i++) {
    const code = raw.charCodeAt(i);
    const v = code < 128 ? (B64_VALUE[code] ?? -1) : -1;
    if (v < 0) return undefined;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += BYTE_HEX[(acc >> bits) & 0xff];
      acc &= (1 << bits) - 1;
    }
  }
  // Leftover bits must be zero, or two spellings would decode to one digest.
  return acc === 0 ? out : undefined;
}

/** The algorithm of a well-formed "Q1"/"X1" checksum, from its length alone (no decoding). */
export function apkChecksumAlgorithm(raw: string): 'sha1' | 'sha256' | undefined {
  const n = raw.length;
  if (raw.startsWith('Q1')) return n === 30 ? 'sha1' : n === 46 ? 'sha256' : undefined;
  if (raw.startsWith('X1')) return n === 42 ? 'sha1' : n === 66 ? 'sha256' : undefined;
  return undefined;
}

const HEX_VALUE = new Int8Array(128).fill(-1);
for (const [i, c] of [...'0123456789abcdef'].entries()) HEX_VALUE[c.charCodeAt(0)] = i;

/**
 * Whether a "Q1"/"X1" checksum names the digest given in lower-case hex, compared byte by byte
 * without building strings: this runs once per owned file of an image. Undefined when the
 * checksum is not well-formed.
 */
export function apkChecksumMatches(raw: string, hex: string): boolean | undefined {
  const algorithm = apkChecksumAlgorithm(raw);
  if (algorithm === undefined) return undefined;
  if (raw.startsWith('X1')) return hexBody(raw) === undefined ? undefined : raw.slice(2).toLowerCase() === hex;
  let end = raw.length;
  if (raw.charCodeAt(end - 1) === 61 /* = */) end--;
  let acc = 0;
  let bits = 0;
  let at = 0;
  let same = hex.length === (algorithm === 'sha1' ? 40 : 64);
  for (let i = 2; i < end; i++) {
    const code = raw.charCodeAt(i);
    const v = code < 128 ? (B64_VALUE[code] ?? -1) : -1;
    if (v < 0) return undefined;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      const byte = (acc >> bits) & 0xff;
      acc &= (1 << bits) - 1;
      const hi = HEX_VALUE[hex.charCodeAt(at)] ?? -1;
      const lo = HEX_VALUE[hex.charCodeAt(at + 1)] ?? -1;
      if (hi < 0 || lo < 0 || ((hi << 4) | lo) !== byte) same = false;
      at += 2;
    }
  }
  // Non-zero leftover bits: not a canonical encoding apk would write.
  if (acc !== 0) return undefined;
  return same;
}

/** The "Q1" spelling of a SHA-1 given in hex, as apk writes it into the database. */
export function apkChecksumOfSha1(hex: string): string {
  return `Q1${Buffer.from(hex, 'hex').toString('base64')}`;
}

/**
 * Reads every record; malformed ones are reported in `problems` (records that still have a name
 * and version are kept, with the bad lines left out).
 * @throws VouchError LIMIT_EXCEEDED when the database is larger than the limits allow.
 */
export function readInstalledDb(text: string, limits: InstalledDbLimits = INSTALLED_DB_LIMITS): InstalledDbResult {
  if (text.length > limits.maxBytes) {
    throw new VouchError({ code: 'LIMIT_EXCEEDED', message: `apk database is larger than ${limits.maxBytes} bytes` });
  }
  const builder = new RecordBuilder(limits);
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').replace(/\r$/, '');
    if (line === '') {
      builder.finish();
      continue;
    }
    builder.line(line, i + 1);
  }
  builder.finish();
  return { packages: builder.packages, problems: builder.problems };
}

/**
 * The packages of an installed database, when every record is well-formed.
 * @throws VouchError INPUT_MALFORMED naming every problem when any record is malformed (use
 * readInstalledDb to keep the good records and get the problems as data).
 */
export function parseInstalledDb(text: string, limits: InstalledDbLimits = INSTALLED_DB_LIMITS): InstalledPackage[] {
  const { packages, problems } = readInstalledDb(text, limits);
  if (problems.length > 0) {
    const first = problems.slice(0, 5).map((p) => `line ${p.line}: ${p.reason}`).join('; ');
    throw new VouchError({
      code: 'INPUT_MALFORMED',
      message: `apk database has ${problems.length} malformed line(s): ${first}`,
      details: { problems: problems.slice(0, 100) },
    });
  }
  return packages;
}

interface Acl {
  uid: number;
  gid: number;
  mode: number;
}

/** "uid:gid:mode" with the mode in octal, as apk writes a: and M: lines. */
function parseAcl(value: string): Acl | undefined {
  const m = /^(\d{1,10}):(\d{1,10}):([0-7]{1,6})$/.exec(value);
  if (!m) return undefined;
  return { uid: Number(m[1]), gid: Number(m[2]), mode: parseInt(m[3] ?? '', 8) };
}

/** A directory or file path as apk stores it: relative, no "..", no empty or "." segments. */
function badPath(path: string): string | undefined {
  if (path.startsWith('/')) return 'absolute path';
  if (path.includes('\0')) return 'NUL in path';
  if (path === '') return undefined;
  for (const seg of path.split('/')) {
    if (seg === '..') return '".." in path';
    if (seg === '' || seg === '.') return 'empty or "." path segment';
  }
  return undefined;
}

interface Draft {
  fields: Map<string, string>;
  depends: string[];
  provides: string[];
  replaces: string[];
  dirs: { path: string; uid?: number; gid?: number; mode?: number }[];
  files: { path: string; checksum?: string; uid?: number; gid?: number; mode?: number }[];
  firstLine: number;
}

const SINGLE_FIELDS: Record<string, string> = { P: 'name', V: 'version', A: 'arch', L: 'license', o: 'origin', c: 'commit', m: 'maintainer', t: 'buildTime', C: 'checksum', S: 'size', I: 'installedSize' };

class RecordBuilder {
  readonly packages: InstalledPackage[] = [];
  readonly problems: InstalledDbProblem[] = [];
  private draft: Draft | undefined;
  private entries = 0;
  private readonly names = new Set<string>();

  constructor(private readonly limits: InstalledDbLimits) {}

  private problem(line: number, reason: string): void {
    const name = this.draft?.fields.get('P');
    this.problems.push({ line, reason, ...(name !== undefined ? { package: name } : {}) });
  }

  line(line: string, n: number): void {
    if (++this.entries > this.limits.maxEntries) {
      throw new VouchError({ code: 'LIMIT_EXCEEDED', message: `apk database has more than ${this.limits.maxEntries} lines` });
    }
    this.draft ??= { fields: new Map(), depends: [], provides: [], replaces: [], dirs: [], files: [], firstLine: n };
    const d = this.draft;
    if (line.length > this.limits.maxLineLength) return this.problem(n, `line longer than ${this.limits.maxLineLength} characters`);
    if (line.length < 2 || line[1] !== ':') return this.problem(n, 'not a "X:value" line');
    const key = line[0] ?? '';
    const value = line.slice(2);
    const field = SINGLE_FIELDS[key];
    if (field !== undefined) {
      if (d.fields.has(key)) return this.problem(n, `field ${key}: given twice in one record`);
      d.fields.set(key, value);
      return;
    }
    switch (key) {
      case 'D':
        d.depends.push(...value.split(' ').filter(Boolean));
        return;
      case 'p':
        d.provides.push(...value.split(' ').filter(Boolean));
        return;
      case 'r':
        d.replaces.push(...value.split(' ').filter(Boolean));
        return;
      case 'F': {
        const bad = badPath(value);
        if (bad) return this.problem(n, `F:${value}: ${bad}`);
        d.dirs.push({ path: value });
        return;
      }
      case 'M': {
        const dir = d.dirs.at(-1);
        const acl = parseAcl(value);
        if (!dir) return this.problem(n, 'M: before any F: line');
        if (!acl) return this.problem(n, `M:${value}: not uid:gid:octal-mode`);
        Object.assign(dir, acl);
        return;
      }
      case 'R': {
        const dir = d.dirs.at(-1);
        if (!dir) return this.problem(n, 'R: before any F: line');
        if (value === '' || value.includes('/') || badPath(value)) return this.problem(n, `R:${value}: not a file name`);
        d.files.push({ path: dir.path === '' ? value : `${dir.path}/${value}` });
        return;
      }
      case 'a':
      case 'Z':
        return this.fileAttribute(key, value, n);
      default:
        // Other letters (T, U, i, k, q, s, f, ...) carry nothing the checks use; apk skips
        // letters it does not know in the same way.
        return;
    }
  }

  private fileAttribute(key: 'a' | 'Z', value: string, n: number): void {
    const file = this.draft?.files.at(-1);
    if (!file) return this.problem(n, `${key}: before any R: line`);
    if (key === 'a') {
      const acl = parseAcl(value);
      if (!acl) return this.problem(n, `a:${value}: not uid:gid:octal-mode`);
      Object.assign(file, acl);
      return;
    }
    if (file.checksum !== undefined) return this.problem(n, `Z: given twice for ${file.path}`);
    if (!decodeApkChecksum(value)) return this.problem(n, `Z:${value}: not a Q1/X1 SHA-1 or SHA-256 checksum`);
    file.checksum = value;
  }

  finish(): void {
    const d = this.draft;
    this.draft = undefined;
    if (!d) return;
    const f = d.fields;
    const name = f.get('P');
    const version = f.get('V');
    const at = (reason: string): void => {
      this.problems.push({ line: d.firstLine, reason, ...(name ? { package: name } : {}) });
    };
    if (!name || !version) return at('record without P: (name) or V: (version)');
    if (this.names.has(name)) return at(`package ${name} recorded twice`);
    if (this.packages.length >= this.limits.maxPackages) {
      throw new VouchError({ code: 'LIMIT_EXCEEDED', message: `apk database lists more than ${this.limits.maxPackages} packages` });
    }
    const checksum = f.get('C');
    if (checksum !== undefined && !decodeApkChecksum(checksum)) at(`C:${checksum}: not a Q1/X1 checksum`);
    const num = (key: string): number | undefined => {
      const v = f.get(key);
      if (v === undefined || v === '') return undefined;
      if (!/^\d{1,15}$/.test(v)) {
        at(`${key}:${v}: not a number`);
        return undefined;
      }
      return Number(v);
    };
    let t = num('t');
    if (t !== undefined && t > 8_640_000_000_000) {
      at(`t:${t}: build time out of range`);
      t = undefined;
    }
    const opt = (key: string, prop: string) => (f.get(key) ? { [prop]: f.get(key) } : {});
    this.names.add(name);
    this.packages.push({
      name,
      version,
      ...opt('A', 'arch'),
      ...opt('L', 'license'),
      ...opt('o', 'origin'),
      ...opt('c', 'commit'),
      ...opt('m', 'maintainer'),
      ...(t !== undefined ? { buildTime: new Date(t * 1000).toISOString() } : {}),
      ...(checksum ? { checksum } : {}),
      ...optNum('size', num('S')),
      ...optNum('installedSize', num('I')),
      depends: d.depends,
      provides: d.provides,
      ...(d.replaces.length > 0 ? { replaces: d.replaces } : {}),
      dirs: d.dirs,
      files: d.files as OwnedFile[],
    } as InstalledPackage);
  }
}

function optNum(key: string, value: number | undefined): Record<string, number> {
  return value === undefined ? {} : { [key]: value };
}
