import { Args, Flags } from '@oclif/core';
import { BatchCommand } from '../cli/batch-command.js';
import { verifyFlags } from '../cli/base-command.js';
import { batchFlags } from '../cli/batch-flags.js';
import { vsaRequested, vsaWriteFlags, vsaWriterFrom } from '../cli/vsa.js';
import { limitFlags, networkFlags } from '../cli/flags.js';
import { policyTimeout } from '../cli/durations.js';
import { toApkOptions } from '../cli/options.js';
import { VouchError } from '../errors.js';

export default class Apk extends BatchCommand {
  static override summary = 'Verify Wolfi/Alpine apk packages: signature, integrity, embedded SBOM.';
  static override description = `Checks that the package is exactly what a trusted key signed (.SIGN.RSA/.SIGN.RSA256 over the control segment, datahash over the data segment, per-file SHA-1 checksums) and that its embedded melange SBOM agrees with .PKGINFO.
The package is a local file, an http(s) URL, or a name looked up in a signed repository index (--repository: <arch>/APKINDEX.tar.gz, else APKINDEX.tar.gz at the root of a flat repository, or the index file itself). A file or URL given with --repository must also be listed by that index with its C: checksum and S: size. A target named APKINDEX.tar.gz is verified as an index on its own (signature, DESCRIPTION, entry count; subject kind apk-index).
Many packages: name several, or give --repository with --all to verify every package the verified index lists for the arch (each checked against its C: checksum and S: size). They run --jobs at a time; the output is a line per package (--format jsonl) or a summary (text, markdown, json), or every package's results (sarif, junit); the exit code is the worst of all (docs/batch.md).
Trusted keys come from --apk-key and --keyring, else /etc/apk/keys; with no trusted key the signature check fails. A private key is refused, never trusted.`;

  static override examples = [
    '<%= config.bin %> apk ./hello-2.12-r0.apk --apk-key ./melange.rsa.pub',
    '<%= config.bin %> apk hello --repository https://packages.wolfi.dev/os --arch x86_64 --keyring /etc/apk/keys',
    '<%= config.bin %> apk hello=2.12-r0 --repository ./packages --apk-key ./melange.rsa.pub --format json',
    '<%= config.bin %> apk ./packages/x86_64/APKINDEX.tar.gz --apk-key ./melange.rsa.pub',
    '<%= config.bin %> apk ./packages/x86_64/*.apk --apk-key ./melange.rsa.pub --format jsonl > results.jsonl',
    '<%= config.bin %> apk --repository ./packages --all --arch x86_64 --apk-key ./melange.rsa.pub --cache ./vouch-cache',
  ];

  static override strict = false;

  static override args = {
    package: Args.string({ description: 'apk files, http(s) URLs, or package names[=version] with --repository (one or more; none with --all); a file or URL with --repository is checked against its index' }),
  };

  static override flags = {
    ...verifyFlags,
    ...batchFlags,
    ...limitFlags,
    ...networkFlags,
    ...vsaWriteFlags,
    'apk-key': Flags.string({ summary: 'Trusted RSA public key (PEM) for apk signatures (repeatable).', multiple: true }),
    keyring: Flags.string({ summary: 'Directory of trusted keys: every *.rsa.pub and *.pub in it (repeatable); a key file is taken as --apk-key.', multiple: true }),
    repository: Flags.string({ summary: 'Repository (URL or directory) whose <arch>/APKINDEX.tar.gz (or, flat, APKINDEX.tar.gz) names the package; or the index file.' }),
    all: Flags.boolean({ summary: 'Verify every package the --repository index lists for the arch.', dependsOn: ['repository'] }),
    arch: Flags.string({ summary: "Architecture in apk's spelling (x86_64, aarch64: [a-z0-9_]); default: this machine's." }),
    'max-index-size': Flags.string({ summary: 'Largest APKINDEX.tar.gz read, compressed (default 64MiB).', helpGroup: 'LIMITS' }),
    'max-index-decompressed-size': Flags.string({ summary: 'Largest size an APKINDEX.tar.gz decompresses to (default 512MiB).', helpGroup: 'LIMITS' }),
    'max-index-lines': Flags.string({ summary: 'Largest number of lines of APKINDEX text (default 10000000).', helpGroup: 'LIMITS' }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Apk);
    const targets = argv as string[];
    const ctx = this.contextFrom(flags, { quiet: flags.quiet });
    if (flags.all ? targets.length > 0 : targets.length === 0) {
      throw new VouchError({ code: 'USAGE', message: flags.all ? '--all verifies every package of the index: give no package names with it' : 'name the package to verify (a file, a URL, or a name with --repository), or give --repository with --all' });
    }
    const settings = this.batchSettings(flags, targets.length > 1 || flags.all);
    const options = toApkOptions(targets[0] ?? '', flags);
    const policies = await this.policiesFrom(flags.policy ?? []);
    if (vsaRequested(flags)) {
      // A verification summary is about one subject: signed after it, or used instead of it.
      if (settings.batch || settings.cache !== undefined) throw new VouchError({ code: 'USAGE', message: 'the --vsa flags take one subject, without --format jsonl, sharding or --cache' });
      const writer = await vsaWriterFrom(flags);
      const { collectApkEvidence } = await import('../pipeline/apk.js');
      const evidence = await collectApkEvidence(options, ctx);
      const report = await this.judge(evidence, policies, flags, ctx);
      await writer?.write(report, ctx);
      return;
    }
    const cache = await this.cacheFor(settings, ctx);
    const [{ apkPlan }, { judgeWith }] = await Promise.all([import('../batch/apk-plan.js'), import('../batch/verify.js')]);
    const judge = judgeWith(policies, ctx.now, policyTimeout(flags['policy-timeout']));
    const planCtx = settings.batch ? { now: ctx.now, log: ctx.log, ...(ctx.progress !== undefined && { progress: ctx.progress }) } : ctx;
    const plan = await apkPlan({ targets, all: flags.all, options, judge, timeoutMs: settings.timeoutMs, expectations: { effectiveTime: flags['effective-time'] ?? null } }, planCtx);
    await this.verifySubjects(plan, settings, cache, policies, flags, ctx);
  }
}
