import { Args, Flags } from '@oclif/core';
import { BatchCommand } from '../cli/batch-command.js';
import { verifyFlags } from '../cli/base-command.js';
import { policyTimeout } from '../cli/durations.js';
import { batchFlags } from '../cli/batch-flags.js';
import { vsaRequested, vsaWriteFlags, vsaWriterFrom } from '../cli/vsa.js';
import { limitFlags, networkFlags, provenanceFlags, sigstoreFlags } from '../cli/flags.js';
import { requireSourceUri, toArtifactOptions } from '../cli/options.js';
import { VouchError } from '../errors.js';

export default class Artifact extends BatchCommand {
  static override summary = 'Verify files (or digests) against a Sigstore bundle and/or SLSA provenance.';
  static override description = `Verifies a Sigstore bundle (v0.1-v0.3: message signature or DSSE) over the file, anchored in the trusted root: certificate chain, identity, and transparency-log proof. With --attestation, verifies in-toto SLSA provenance (v0.2, v1) for the file against the expectations given; for an image digest, also Google Cloud Build provenance as gcloud prints it (--show-provenance --format json), against GCB's embedded keys.
Keyless verification needs the expected signer: --certificate-identity[-regexp] with --certificate-oidc-issuer[-regexp], Provenance needs --source-uri: without it any repository's build on a trusted builder would pass. Offline by default: the embedded public-good trusted root, no network.
Several files are each verified against the same --bundle and --attestation files (useful with a provenance that names many subjects), --jobs at a time; the exit code is the worst of all (docs/batch.md).`;

  static override examples = [
    '<%= config.bin %> artifact ./release.tar.gz --bundle release.tar.gz.sigstore.json --certificate-identity https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.2.0 --certificate-oidc-issuer https://token.actions.githubusercontent.com',
    '<%= config.bin %> artifact sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf --bundle a.txt.sigstore.json --key cosign.pub',
    '<%= config.bin %> artifact ./binary --attestation binary.intoto.jsonl --source-uri github.com/acme/app --builder-id https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml',
    '<%= config.bin %> artifact sha256:<image digest> --attestation gcloud.json --source-uri github.com/acme/app --builder-id https://cloudbuild.googleapis.com/GoogleHostedWorker',
    '<%= config.bin %> artifact ./dist/app-linux-amd64 ./dist/app-linux-arm64 --attestation multiple.intoto.jsonl --source-uri github.com/acme/app --format jsonl',
  ];

  static override strict = false;

  static override args = {
    artifact: Args.string({ description: 'files to verify, or sha256:<hex> (sha512:<hex>) of them (one or more)', required: true }),
  };

  static override flags = {
    ...verifyFlags,
    ...batchFlags,
    ...limitFlags,
    ...networkFlags,
    ...vsaWriteFlags,
    bundle: Flags.string({ summary: 'Sigstore bundle (JSON) holding the signature over the artifact.' }),
    attestation: Flags.string({
      summary: 'Provenance: Sigstore bundle, DSSE envelope, JSON lines of either, or gcloud provenance JSON (repeatable).',
      multiple: true,
    }),
    ...sigstoreFlags,
    ...provenanceFlags,
  };

  async run(): Promise<void> {
    const { argv, flags } = await this.parse(Artifact);
    const targets = argv as string[];
    const ctx = this.contextFrom(flags, { quiet: flags.quiet });
    if (targets.length === 0) throw new VouchError({ code: 'USAGE', message: 'name the file (or sha256:<hex>) to verify' });
    const settings = this.batchSettings(flags, targets.length > 1);
    requireSourceUri(flags, flags.policy ?? []);
    const options = toArtifactOptions(targets[0] ?? '', flags);
    const policies = await this.policiesFrom(flags.policy ?? []);
    if (vsaRequested(flags)) {
      // A verification summary is about one subject: signed after it, or used instead of it.
      if (settings.batch || settings.cache !== undefined) throw new VouchError({ code: 'USAGE', message: 'the --vsa flags take one subject, without --format jsonl, sharding or --cache' });
      const writer = await vsaWriterFrom(flags);
      const { collectArtifactEvidence } = await import('../pipeline/artifact.js');
      const evidence = await collectArtifactEvidence(options, ctx);
      const report = await this.judge(evidence, policies, flags, ctx);
      await writer?.write(report, ctx);
      return;
    }
    const cache = await this.cacheFor(settings, ctx);
    const [{ artifactPlan }, { judgeWith }] = await Promise.all([import('../batch/sigstore-plan.js'), import('../batch/verify.js')]);
    const judge = judgeWith(policies, ctx.now, policyTimeout(flags['policy-timeout']));
    const plan = artifactPlan(targets, options, judge, { effectiveTime: flags['effective-time'] ?? null });
    await this.verifySubjects(plan, settings, cache, policies, flags, ctx);
  }
}
