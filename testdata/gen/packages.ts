import { sha1 } from './util.js';

/** The two architectures of the sample world, in apk's and OCI's spelling. */
export const ARCHES = [
  { apk: 'x86_64', oci: 'amd64' },
  { apk: 'aarch64', oci: 'arm64' },
] as const;
export type ApkArch = (typeof ARCHES)[number]['apk'];

/** The distribution namespace of the sample packages (purl namespace, os-release ID). */
export const DISTRO = 'vouch-sample';
export const SUPPLIER = 'Organization: vouch-sample';
/** The git repository holding the package build configurations (melange YAML). */
export const PACKAGES_REPO = 'vouch-sample/packages';
export const PACKAGES_COMMIT = sha1('vouch-sample/packages@v2025.06.01').toString('hex');

export type PackageFile =
  | { readonly type: 'file'; readonly path: string; readonly content: string; readonly mode?: number }
  | { readonly type: 'symlink'; readonly path: string; readonly target: string };

export interface UpstreamSource {
  readonly name: string;
  readonly version: string;
  readonly repository: string;
  readonly commit: string;
  readonly license: string;
}

export interface SamplePackage {
  readonly name: string;
  /** pkgver with the epoch: <version>-r<epoch>. */
  readonly version: string;
  readonly description: string;
  readonly url: string;
  readonly license: string;
  readonly depends: readonly string[];
  readonly provides: readonly string[];
  readonly source?: UpstreamSource;
  /** Path of the build configuration in PACKAGES_REPO. */
  readonly config: string;
  readonly files: (arch: ApkArch) => readonly PackageFile[];
}

const HELLO_COMMIT = sha1('vouch-sample/hello@v2.12').toString('hex');

export const SAMPLE_PACKAGES: readonly SamplePackage[] = [
  {
    name: 'sample-baselayout',
    version: '1.0-r0',
    description: 'base directory layout and shell profile of the vouch sample distribution',
    url: 'https://github.com/vouch-sample/packages',
    license: 'MIT',
    depends: [],
    provides: [],
    config: 'sample-baselayout.yaml',
    files: () => [
      { type: 'file', path: 'etc/motd', content: 'Welcome to the vouch sample image. It exists to be verified.\n' },
      { type: 'file', path: 'etc/profile', content: 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nexport PS1="\\h:\\w\\$ "\n' },
    ],
  },
  {
    name: 'ca-certificates-bundle',
    version: '20250101-r0',
    description: 'trust bundle of the vouch sample distribution (TEST ONLY: holds no real certificates)',
    url: 'https://github.com/vouch-sample/packages',
    license: 'MPL-2.0',
    depends: [],
    provides: ['ca-certificates=20250101-r0'],
    config: 'ca-certificates.yaml',
    files: () => [
      {
        type: 'file',
        path: 'etc/ssl/certs/ca-certificates.crt',
        content: '# vouch sample trust bundle: TEST ONLY.\n# It deliberately contains no certificates; nothing should trust it.\n',
      },
    ],
  },
  {
    name: 'hello',
    version: '2.12-r0',
    description: 'the sample program: prints a friendly greeting',
    url: 'https://github.com/vouch-sample/hello',
    license: 'GPL-3.0-or-later',
    depends: ['sample-baselayout'],
    provides: ['cmd:hello=2.12-r0', 'cmd:hi=2.12-r0'],
    source: { name: 'hello', version: 'v2.12', repository: 'vouch-sample/hello', commit: HELLO_COMMIT, license: 'GPL-3.0-or-later' },
    config: 'hello.yaml',
    files: (arch) => [
      { type: 'file', path: 'usr/bin/hello', mode: 0o755, content: `#!/bin/sh\n# hello 2.12 (${arch}), vouch sample build\necho "Hello, world!"\n` },
      { type: 'symlink', path: 'usr/bin/hi', target: 'hello' },
      { type: 'file', path: 'usr/share/doc/hello/README', content: 'hello prints a greeting. It is part of the vouch sample world.\n' },
    ],
  },
];

export function samplePackage(name: string): SamplePackage {
  const pkg = SAMPLE_PACKAGES.find((p) => p.name === name);
  if (!pkg) throw new Error(`no sample package ${name}`);
  return pkg;
}
