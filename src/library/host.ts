import { arch as hostArch } from 'node:os';

/**
 * This machine's architecture as the defaults of the library and the CLI take it: apk's spelling
 * for `arch`, OCI's for `platform`. Unknown architectures keep node's name, which then fails the
 * subject's own arch check rather than silently picking another.
 */

/** The host architecture in apk's spelling. */
export function apkArch(nodeArch: string = hostArch()): string {
  const map: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64', arm: 'armv7', ia32: 'x86', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return map[nodeArch] ?? nodeArch;
}

/** The host platform in OCI's spelling. */
export function ociPlatform(nodeArch: string = hostArch()): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm/v7', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return `linux/${map[nodeArch] ?? nodeArch}`;
}
