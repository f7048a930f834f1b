import { Args, Flags } from '@oclif/core';
import { VouchCommand, verifyFlags } from '../cli/base-command.js';
import { vsaWriteFlags, vsaWriterFrom } from '../cli/vsa.js';
import { limitFlags, networkFlags } from '../cli/flags.js';
import { toApkOptions } from '../cli/options.js';

export default class Apk extends VouchCommand {
  static override summary = 'Verify a Wolfi/Alpine apk package: signature, integrity, embedded SBOM.';
  static override description = `Checks that the package is exactly what a trusted key signed (.SIGN.RSA/.SIGN.RSA256 over the control segment, datahash over the data segment, per-file SHA-1 checksums) and that its embedded melange SBOM agrees with .PKGINFO.
The package is a local file, an http(s) URL, or a name looked up in a signed repository index (--repository: <arch>/APKINDEX.tar.gz, else APKINDEX.tar.gz at the root of a flat repository, or the index file itself). A target named APKINDEX.tar.gz is verified as an index on its own (signature, DESCRIPTION, entry count; subject kind apk-index).
Trusted keys come from --apk-key and --keyring, else /etc/apk/keys; with no trusted key the signature check fails. A private key is refused, never trusted.`;

  static override examples = [
    '<%= config.bin %> apk ./hello-2.12-r0.apk --apk-key ./melange.rsa.pub',
    '<%= config.bin %> apk hello --repository https://packages.wolfi.dev/os --arch x86_64 --keyring /etc/apk/keys',
    '<%= config.bin %> apk hello=2.12-r0 --repository ./packages --apk-key ./melange.rsa.pub --format json',
    '<%= config.bin %> apk ./packages/x86_64/APKINDEX.tar.gz --apk-key ./melange.rsa.pub',
  ];

  static override args = {
    package: Args.string({ description: 'apk file, http(s) URL, or package name[=version] with --repository', required: true }),
  };

  static override flags = {
    ...verifyFlags,
    ...limitFlags,
    ...networkFlags,
    ...vsaWriteFlags,
    'apk-key': Flags.string({ summary: 'Trusted RSA public key (PEM) for apk signatures (repeatable).', multiple: true }),
    keyring: Flags.string({ summary: 'Directory of trusted keys: every *.rsa.pub and *.pub in it (repeatable).', multiple: true }),
    repository: Flags.string({ summary: 'Repository (URL or directory) whose <arch>/APKINDEX.tar.gz (or, flat, APKINDEX.tar.gz) names the package; or the index file.' }),
    arch: Flags.string({ summary: "Architecture in apk's spelling (x86_64, aarch64: [a-z0-9_]); default: this machine's." }),
    'max-index-size': Flags.string({ summary: 'Largest APKINDEX.tar.gz read, compressed (default 64MiB).', helpGroup: 'LIMITS' }),
    'max-index-decompressed-size': Flags.string({ summary: 'Largest size an APKINDEX.tar.gz decompresses to (default 512MiB).', helpGroup: 'LIMITS' }),
    'max-index-lines': Flags.string({ summary: 'Largest number of lines of APKINDEX text (default 10000000).', helpGroup: 'LIMITS' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Apk);
    const ctx = this.contextFrom(flags);
    const options = toApkOptions(args.package, flags);
    const policies = await this.policiesFrom(flags.policy ?? []);
    const writer = await vsaWriterFrom(flags);
    const { collectApkEvidence } = await import('../pipeline/apk.js');
    const evidence = await collectApkEvidence(options, ctx);
    const report = await this.judge(evidence, policies, flags, ctx);
    await writer?.write(report, ctx);
  }
}
