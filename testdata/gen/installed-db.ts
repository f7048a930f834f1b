import type { BuiltApk } from './apk-writer.js';
import { parentDirs, walkOrder } from './tar.js';
import { q1 } from './util.js';

/**
 * One package's record in usr/lib/apk/db/installed, in apk-tools' field order: package fields,
 * then per directory `F:` followed by its files (`R:`, `a:uid:gid:mode` when not 0:0:0644, and
 * `Z:` = Q1 + base64 SHA-1 of the content, of the link target for symlinks).
 */
export function installedRecord(apk: BuiltApk): string {
  const p = apk.pkginfo;
  const lines = [
    `C:${q1(apk.controlSegment)}`,
    `P:${p.pkgname}`,
    `V:${p.pkgver}`,
    `A:${p.arch}`,
    `S:${apk.bytes.length}`,
    `I:${apk.installedSize}`,
    `T:${p.pkgdesc}`,
    `U:${p.url}`,
    `L:${p.license}`,
    `o:${p.origin}`,
    `t:${p.builddate}`,
    `c:${p.commit}`,
  ];
  if (p.depends.length > 0) lines.push(`D:${p.depends.join(' ')}`);
  if (p.provides.length > 0) lines.push(`p:${p.provides.join(' ')}`);
  const dirOf = (path: string): string => path.slice(0, Math.max(0, path.lastIndexOf('/')));
  const files = [...apk.files].sort((a, b) => walkOrder(a.path, b.path));
  for (const dir of parentDirs(files.map((f) => f.path))) {
    lines.push(`F:${dir}`);
    for (const f of files.filter((x) => dirOf(x.path) === dir)) {
      lines.push(`R:${f.path.slice(dir.length + 1)}`);
      if (f.type === 'file' && f.mode !== 0o644) lines.push(`a:0:0:${f.mode.toString(8).padStart(4, '0')}`);
      lines.push(`Z:Q1${f.sha1.toString('base64')}`);
    }
  }
  return `${lines.join('\n')}\n\n`;
}

export function installedDb(apks: readonly BuiltApk[]): Buffer {
  return Buffer.from(apks.map(installedRecord).join(''));
}
