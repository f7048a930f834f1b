import type { ApkSigner, BuiltApk } from './apk-writer.js';
import { writeApk } from './apk-writer.js';
import type { ApkEntry } from './apk-writer.js';
import { melangeSbom, sbomPath } from './melange-sbom.js';
import type { MelangeSbomOptions } from './melange-sbom.js';
import type { ApkArch, SamplePackage } from './packages.js';
import { PACKAGES_COMMIT } from './packages.js';
import { SOURCE_DATE_EPOCH } from './util.js';

/** SPDX JSON as Go's encoder writes it: two-space indent, `&` escaped as \u0026. */
export function goJson(value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(value, null, 2).replace(/&/g, '\\u0026')}\n`);
}

export interface BuildPackageOptions extends MelangeSbomOptions {
  readonly signer: ApkSigner;
}

/** Builds one sample package for one architecture, with its melange SBOM inside. */
export function buildSamplePackage(pkg: SamplePackage, arch: ApkArch, options: BuildPackageOptions): BuiltApk {
  const entries: ApkEntry[] = pkg.files(arch).map((f) =>
    f.type === 'file' ? { type: 'file', path: f.path, content: Buffer.from(f.content), mode: f.mode ?? 0o644 } : { type: 'symlink', path: f.path, target: f.target },
  );
  entries.push({ type: 'file', path: sbomPath(pkg.name, pkg.version), content: goJson(melangeSbom(pkg, arch, options)) });
  return writeApk(
    {
      pkgname: pkg.name,
      pkgver: pkg.version,
      arch,
      origin: pkg.name,
      pkgdesc: pkg.description,
      url: pkg.url,
      commit: PACKAGES_COMMIT,
      builddate: SOURCE_DATE_EPOCH,
      license: pkg.license,
      depends: pkg.depends,
      provides: pkg.provides,
    },
    entries,
    options.signer,
  );
}
