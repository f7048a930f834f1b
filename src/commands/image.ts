import { Args, Flags } from '@oclif/core';
import { BatchCommand } from '../cli/batch-command.js';
import { verifyFlags } from '../cli/base-command.js';
import { policyTimeout } from '../cli/durations.js';
import { batchFlags } from '../cli/batch-flags.js';
import { imageLimitFlags, limitFlags, networkFlags, provenanceFlags, sigstoreFlags } from '../cli/flags.js';
import { requireSourceUri, toImageOptions } from '../cli/options.js';
import { refuseLocalPathAsRegistry } from '../cli/local-paths.js';
import { VouchError } from '../errors.js';
import { vsaAttachFlags, vsaRequested, vsaUseFlags, vsaWriteFlags, vsaUseFrom, vsaWriterFrom } from '../cli/vsa.js';
import { EXIT } from '../cli/exit-codes.js';
import { CONTENTS_MODES } from '../policy/contents-mode.js';
import type { ContentsMode } from '../policy/contents-mode.js';

export default class Image extends BatchCommand {
  static override summary = 'Verify container images: signatures, attestations, provenance, installed contents vs SBOM.';
  static override description = `Resolves the image (registry, OCI layout, docker archive or skopeo dir:), finds every cosign signature and attestation attached to it (tags, referrers, cosign save layouts), verifies them, builds the file inventory and apk database without unpacking to disk, reconciles it with the SBOMs, and evaluates the policies.
References: registry.example.com/org/repo:tag, ...@sha256:<hex>, oci:<dir>[:tag|@digest], docker-archive:<file.tar>, dir:<dir> (skopeo's dir: transport, with its signature-N files).
Several references are verified --jobs at a time with the same expectations; the output is a line per image (--format jsonl), a summary (text, markdown, json) or every image's results (sarif, junit), and the exit code is the worst of all (docs/batch.md).
Fails closed: the default policy fails unless a signer is named (--key, or --certificate-identity[-regexp] with --certificate-oidc-issuer[-regexp]) or provenance is expected from a --source-uri; --policy sbom checks the contents only.`;

  static override examples = [
    '<%= config.bin %> image cgr.dev/chainguard/wolfi-base:latest --certificate-identity-regexp "https://github.com/chainguard-images/images/.*" --certificate-oidc-issuer https://token.actions.githubusercontent.com',
    '<%= config.bin %> image oci:./layout@sha256:234e2c830c2fb31ac5671789d22adfe44d30c3ee831d01beae5e237841a13122 --policy provenance --source-uri github.com/acme/app --builder-id https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml',
    '<%= config.bin %> image docker-archive:./image.tar --key cosign.pub --format sarif --output vouch.sarif',
    '<%= config.bin %> image docker-archive:./image.tar --policy sbom',
    '<%= config.bin %> image dir:./copied --key cosign.pub --docker-reference registry.example.com/org/app --policy signature',
    '<%= config.bin %> image registry.example.com/app:1 registry.example.com/worker:1 --key cosign.pub --format jsonl',
    '<%= config.bin %> image registry.example.com/org/app@sha256:<hex> --key cosign.pub --vsa-key ci-vsa.key --vsa-output app.vsa.json --vsa-attach',
    '<%= config.bin %> image registry.example.com/org/app@sha256:<hex> --key cosign.pub --vsa-public-key ci-vsa.pub --vsa-max-age 24h',
  ];

  static override strict = false;

  static override args = {
    image: Args.string({ description: 'image references, oci:<dir>[:tag|@digest], docker-archive:<file> or dir:<dir> (one or more)', required: true }),
  };

  static override flags = {
    ...verifyFlags,
    ...batchFlags,
    ...limitFlags,
    ...imageLimitFlags,
    ...networkFlags,
    platform: Flags.string({ summary: 'Platform to resolve an index to: os/arch[/variant] (default linux/<host arch>).' }),
    ...sigstoreFlags,
    ...provenanceFlags,
    'docker-reference': Flags.string({ summary: "Reference cosign signatures must name in their payload (critical.identity.docker-reference), exactly, e.g. registry.example.com/org/app." }),
    'registry-username': Flags.string({ summary: 'Registry user name (or VOUCH_REGISTRY_USERNAME).' }),
    'registry-password': Flags.string({ summary: 'Registry password or token (or VOUCH_REGISTRY_PASSWORD).' }),
    'allow-http-registry': Flags.boolean({ summary: 'Allow plain HTTP to registries that are not on loopback.' }),
    ...vsaWriteFlags,
    ...vsaAttachFlags,
    ...vsaUseFlags,
    contents: Flags.string({
      summary: 'Read the layers: auto (only when a policy judges inventory, reconciliation or SBOMs), always, or never.',
      description: 'A signature or provenance check needs manifests and small blobs only. With never, a policy that judges the contents cannot be checked (exit 3, CONTENTS_REQUIRED).',
      options: [...CONTENTS_MODES],
      default: 'auto',
    }),
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Image);
    const references = argv as string[];
    const ctx = this.contextFrom(flags, { quiet: flags.quiet });
    if (references.length === 0) throw new VouchError({ code: 'USAGE', message: 'name the image to verify' });
    const settings = this.batchSettings(flags, references.length > 1);
    requireSourceUri(flags, flags.policy ?? []);
    for (const reference of references) refuseLocalPathAsRegistry(reference);
    const policies = await this.policiesFrom(flags.policy ?? []);
    const { readsContents } = await import('../policy/contents-use.js');
    const options = { ...toImageOptions(references[0] ?? '', flags), readContents: readsContents(flags.contents as ContentsMode, policies) };
    if (vsaRequested(flags)) {
      // A verification summary is about one subject: signed after it, or used instead of it.
      if (settings.batch || settings.cache !== undefined) throw new VouchError({ code: 'USAGE', message: 'the --vsa flags take one subject, without --format jsonl, sharding or --cache' });
      const writer = await vsaWriterFrom(flags, references[0]);
      const vsa = await vsaUseFrom(flags, options.limits.maxDocumentBytes);
      let vsaEvidence;
      if (vsa) {
        // A VSA that holds stands in for the verification; any other verifies in full below.
        const { admitImageWithVsa } = await import('../vsa/index.js');
        const admitted = await admitImageWithVsa(options, policies, vsa, ctx);
        if (admitted.kind === 'used') {
          await this.emit(admitted.report, flags);
          process.exitCode = EXIT.PASS;
          return;
        }
        vsaEvidence = admitted.vsa;
        ctx.log.info(`VSA not used (${admitted.vsa.reason}); verifying in full`);
      }
      const { collectImageEvidence } = await import('../pipeline/image.js');
      const evidence = await collectImageEvidence(options, ctx);
      const report = await this.judge(vsaEvidence ? { ...evidence, vsa: vsaEvidence } : evidence, policies, flags, ctx);
      await writer?.write(report, ctx, options);
      return;
    }
    const cache = await this.cacheFor(settings, ctx);
    const [{ imagePlan }, { judgeWith }] = await Promise.all([import('../batch/sigstore-plan.js'), import('../batch/verify.js')]);
    const judge = judgeWith(policies, ctx.now, policyTimeout(flags['policy-timeout']));
    const plan = imagePlan(references, options, judge, { effectiveTime: flags['effective-time'] ?? null });
    await this.verifySubjects(plan, settings, cache, policies, flags, ctx);
  }
}
