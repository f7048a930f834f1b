import { sign } from 'node:crypto';
import type { ApkSigner, BuiltApk } from './apk-writer.js';
import { writeTar } from './tar.js';
import { gzip, q1 } from './util.js';

/**
 * A signed APKINDEX.tar.gz as apk-tools' `apk index` and melange write it: a signature member
 * (`.SIGN.RSA256.<key>`, over the compressed index member) followed by the index member holding
 * APKINDEX and DESCRIPTION. `C:` is Q1 + base64 SHA-1 of the package's compressed control
 * segment; `S:` is the apk file size; `I:` the installed size.
 */
export function apkindexRecord(apk: BuiltApk): string {
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
  return `${lines.join('\n')}\n`;
}

export function writeApkindex(apks: readonly BuiltApk[], signer: ApkSigner, mtime: number): Buffer {
  const sorted = [...apks].sort((a, b) => (a.pkginfo.pkgname < b.pkginfo.pkgname ? -1 : a.pkginfo.pkgname > b.pkginfo.pkgname ? 1 : 0));
  const index = Buffer.from(sorted.map(apkindexRecord).join('\n') + '\n');
  const content = gzip(
    writeTar(
      [
        { type: 'file', path: 'APKINDEX', content: index },
        { type: 'file', path: 'DESCRIPTION', content: Buffer.from('vouch sample repository (TEST ONLY)') },
      ],
      { mtime, owner: '', endOfArchive: true },
    ),
  );
  const signature = sign('sha256', content, signer.privateKey);
  const sigMember = gzip(writeTar([{ type: 'file', path: `.SIGN.RSA256.${signer.keyName}`, content: signature }], { mtime, owner: 'root', endOfArchive: false }));
  return Buffer.concat([sigMember, content]);
}
