import { Args, Flags } from '@oclif/core';
import { VouchCommand, verifyFlags } from '../cli/base-command.js';
import { limitFlags, networkFlags, progressFlags } from '../cli/flags.js';
import { toRootfsOptions } from '../cli/options.js';

export default class Rootfs extends VouchCommand {
  static override summary = 'Audit a root filesystem (a directory or a tar) against its apk database and embedded SBOMs.';
  static override description = `Reads a root filesystem — an unpacked image, a \`docker export\` tar (plain, gzip or zstd), a container's root mounted for inspection — and reconciles it as \`vouch image\` reconciles an image's layers: every file the apk database (lib/apk/db/installed) says a package installed must be there with its recorded checksum, kind and mode; every other file is reported as unowned; every embedded SBOM (var/lib/db/sbom/) is held against the database.
Symbolic links are reported with their targets and never followed; devices, FIFOs and sockets are reported, never opened; a directory that is a mount point of another file system is not entered and fails the audit. docs/rootfs.md compares this with \`apk audit\`.
Nothing in a root filesystem is signed, so without --policy the sbom policy judges it (contents only); the default and strict policies, which demand a signer, fail it.`;

  static override examples = [
    '<%= config.bin %> rootfs ./rootfs',
    '<%= config.bin %> rootfs ./container.tar --format json --output audit.json',
    '<%= config.bin %> rootfs /mnt/inspect --policy ./my-waivers.yaml',
  ];

  static override args = {
    root: Args.string({ description: 'root filesystem: a directory, or a tar file (plain, gzip or zstd)', required: true }),
  };

  static override flags = {
    ...verifyFlags,
    policy: Flags.string({
      char: 'p',
      summary: 'Policy to evaluate (repeatable; all must pass): a built-in name or a YAML file (default: sbom).',
      description: 'A bare name is a built-in policy (default, provenance, sbom, signature, strict). Without --policy the sbom policy applies: a root filesystem carries no signature, so the default policy would always fail it. docs/policy.md tables what each demands.',
      multiple: true,
    }),
    ...progressFlags,
    ...limitFlags,
    'max-findings': Flags.string({ summary: 'Largest number of file and package findings (default 200000).', helpGroup: 'LIMITS' }),
    'max-zstd-window': Flags.string({ summary: 'Largest zstd window a zstd-compressed tar may ask the decoder for (default 128MiB, at most 2GiB).', helpGroup: 'LIMITS' }),
    ...networkFlags,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Rootfs);
    const ctx = this.contextFrom(flags, { quiet: flags.quiet });
    const options = toRootfsOptions(args.root, flags);
    const specs = flags.policy ?? [];
    const policies = await this.policiesFrom(specs.length > 0 ? specs : ['sbom']);
    const { collectRootfsEvidence } = await import('../pipeline/rootfs.js');
    const evidence = await collectRootfsEvidence(options, ctx);
    await this.judge(evidence, policies, flags, ctx);
  }
}
