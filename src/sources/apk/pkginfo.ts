/**
 * The `.PKGINFO` file of an apk control segment: `key = value` lines written by abuild and
 * melange (doc/apk-package.5 in apk-tools). Keys may repeat (depend, provides, replaces,
 * triggers, install_if); comments start with `#`.
 */

export interface PkgInfo {
  readonly pkgname: string;
  readonly pkgver: string;
  readonly arch: string;
  /** Installed size in bytes, as declared. */
  readonly size?: number;
  readonly origin?: string;
  readonly commit?: string;
  /** The license line; when several are given (melange: one per copyright entry), the first. */
  readonly license?: string;
  /** Every license line, in order. */
  readonly licenses: readonly string[];
  readonly builddate?: string;
  readonly packager?: string;
  readonly maintainer?: string;
  readonly url?: string;
  readonly pkgdesc?: string;
  /** Hex SHA-256 of the compressed data segment; binds the data to the signed control segment. */
  readonly datahash?: string;
  readonly depends: readonly string[];
  readonly provides: readonly string[];
  /** Every key with all its values, as written. */
  readonly fields: Readonly<Record<string, readonly string[]>>;
}

export type PkgInfoParse =
  | { readonly ok: true; readonly info: PkgInfo }
  | { readonly ok: false; readonly problems: readonly string[] };

// license may repeat: melange writes one line per copyright entry.
const SINGLE = ['pkgname', 'pkgver', 'arch', 'size', 'origin', 'commit', 'builddate', 'packager', 'maintainer', 'url', 'pkgdesc', 'datahash'];

/** Parses `.PKGINFO` text; any line that is not `key = value`, or a missing required key, is a problem. */
export function parsePkgInfo(text: string): PkgInfoParse {
  const fields: Record<string, string[]> = {};
  const problems: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || line.startsWith('#')) return;
    const eq = line.indexOf(' = ');
    if (eq <= 0) {
      problems.push(`line ${i + 1} is not "key = value"`);
      return;
    }
    const key = line.slice(0, eq).trim();
    (fields[key] ??= []).push(line.slice(eq + 3));
  });
  for (const key of SINGLE) {
    if ((fields[key]?.length ?? 0) > 1) problems.push(`${key} is given ${fields[key]?.length} times`);
  }
  const one = (key: string): string | undefined => fields[key]?.[0];
  const pkgname = one('pkgname');
  const pkgver = one('pkgver');
  const arch = one('arch');
  for (const [key, value] of [['pkgname', pkgname], ['pkgver', pkgver], ['arch', arch]] as const) {
    if (value === undefined || value === '') problems.push(`${key} is missing`);
  }
  const sizeText = one('size');
  if (sizeText !== undefined && !/^\d{1,15}$/.test(sizeText)) problems.push(`size ${JSON.stringify(sizeText)} is not a number`);
  const datahash = one('datahash');
  if (datahash !== undefined && !/^[0-9a-f]{64}$/.test(datahash)) problems.push('datahash is not 64 lower-case hex digits');
  if (problems.length > 0 || pkgname === undefined || pkgver === undefined || arch === undefined) return { ok: false, problems };
  const optional = Object.fromEntries(
    ['origin', 'commit', 'license', 'builddate', 'packager', 'maintainer', 'url', 'pkgdesc', 'datahash']
      .map((key) => [key, one(key)])
      .filter(([, value]) => value !== undefined && value !== ''),
  ) as Partial<PkgInfo>;
  return {
    ok: true,
    info: {
      pkgname,
      pkgver,
      arch,
      ...(sizeText !== undefined ? { size: Number(sizeText) } : {}),
      ...optional,
      licenses: (fields['license'] ?? []).filter((l) => l.trim() !== ''),
      depends: fields['depend'] ?? [],
      provides: fields['provides'] ?? [],
      fields,
    },
  };
}
