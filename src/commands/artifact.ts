import { Args, Flags } from '@oclif/core';
import { VouchCommand, verifyFlags } from '../cli/base-command.js';
import { vsaWriteFlags, vsaWriterFrom } from '../cli/vsa.js';
import { limitFlags, networkFlags, provenanceFlags, sigstoreFlags } from '../cli/flags.js';
import { requireSourceUri, toArtifactOptions } from '../cli/options.js';

export default class Artifact extends VouchCommand {
  static override summary = 'Verify a file (or a digest) against a Sigstore bundle and/or SLSA provenance.';
  static override description = `Verifies a Sigstore bundle (v0.1-v0.3: message signature or DSSE) over the file, anchored in the trusted root: certificate chain, identity, and transparency-log proof. With --attestation, verifies in-toto SLSA provenance (v0.2, v1) for the file against the expectations given; for an image digest, also Google Cloud Build provenance as gcloud prints it (--show-provenance --format json), against GCB's embedded keys.
Keyless verification needs the expected signer: --certificate-identity[-regexp] with --certificate-oidc-issuer[-regexp], Provenance needs --source-uri: without it any repository's build on a trusted builder would pass. Offline by default: the embedded public-good trusted root, no network.`;

  static override examples = [
    '<%= config.bin %> artifact ./release.tar.gz --bundle release.tar.gz.sigstore.json --certificate-identity https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.2.0 --certificate-oidc-issuer https://token.actions.githubusercontent.com',
    '<%= config.bin %> artifact sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf --bundle a.txt.sigstore.json --key cosign.pub',
    '<%= config.bin %> artifact ./binary --attestation binary.intoto.jsonl --source-uri github.com/acme/app --builder-id https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml',
    '<%= config.bin %> artifact sha256:<image digest> --attestation gcloud.json --source-uri github.com/acme/app --builder-id https://cloudbuild.googleapis.com/GoogleHostedWorker',
  ];

  static override args = {
    artifact: Args.string({ description: 'file to verify, or sha256:<hex> of it', required: true }),
  };

  static override flags = {
    ...verifyFlags,
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
    const { args, flags } = await this.parse(Artifact);
    const ctx = this.contextFrom(flags);
    requireSourceUri(flags, flags.policy ?? []);
    const options = toArtifactOptions(args.artifact, flags);
    const policies = await this.policiesFrom(flags.policy ?? []);
    const writer = await vsaWriterFrom(flags);
    const { collectArtifactEvidence } = await import('../pipeline/artifact.js');
    const evidence = await collectArtifactEvidence(options, ctx);
    const report = await this.judge(evidence, policies, flags, ctx);
    await writer?.write(report, ctx);
  }
}
