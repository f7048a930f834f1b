import { fail } from '../../errors.js';

/**
 * apk architecture names (x86_64, aarch64, armhf, armv7, ppc64le, s390x, riscv64, loongarch64,
 * x86, noarch): lower-case letters, digits and underscores. The name becomes a directory of the
 * repository (`<repository>/<arch>/APKINDEX.tar.gz`), so anything else — a slash, a dot, `..` —
 * could make vouch read outside the repository the user named; it is refused before any I/O.
 */
const APK_ARCH = /^[a-z0-9][a-z0-9_]{0,31}$/;

/** Throws USAGE (exit 2) unless `arch` is a plain apk architecture name. */
export function assertApkArch(arch: string): void {
  if (!APK_ARCH.test(arch)) {
    fail('USAGE', `--arch must be an apk architecture name (lower-case letters, digits, "_"; e.g. x86_64, aarch64), got ${JSON.stringify(arch.slice(0, 64))}`);
  }
}
