import { Args, Flags } from '@oclif/core';
import { VouchCommand, verifyFlags } from '../cli/base-command.js';
import { imageLimitFlags, limitFlags, networkFlags, provenanceFlags, sigstoreFlags } from '../cli/flags.js';
import { requireSourceUri, toImageOptions } from '../cli/options.js';
import { CONTENTS_MODES } from '../policy/contents-mode.js';
import type { ContentsMode } from '../policy/contents-mode.js';

export default class Image extends VouchCommand {
  static override summary = 'Verify a container image: signatures, attestations, provenance, installed contents vs SBOM.';
  static override description = `Resolves the image (registry, OCI layout or docker archive), finds every cosign signature and attestation attached to it (tags, referrers, cosign save layouts), verifies them, builds the file inventory and apk database without unpacking to disk, reconciles it with the SBOMs, and evaluates the policies.
References: registry.example.com/org/repo:tag, ...@sha256:<hex>, oci:<dir>[:tag|@digest], docker-archive:<file.tar>.
Fails closed: the default policy fails unless a signer is named (--key, or --certificate-identity[-regexp] with --certificate-oidc-issuer[-regexp]) or provenance is expected from a --source-uri; --policy sbom checks the contents only.`;

  static override examples = [
    '<%= config.bin %> image cgr.dev/chainguard/wolfi-base:latest --certificate-identity-regexp "https://github.com/chainguard-images/images/.*" --certificate-oidc-issuer https://token.actions.githubusercontent.com',
    '<%= config.bin %> image oci:./layout@sha256:234e2c830c2fb31ac5671789d22adfe44d30c3ee831d01beae5e237841a13122 --policy provenance --source-uri github.com/acme/app --builder-id https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_container_slsa3.yml',
    '<%= config.bin %> image docker-archive:./image.tar --key cosign.pub --format sarif --output vouch.sarif',
    '<%= config.bin %> image docker-archive:./image.tar --policy sbom',
  ];

  static override args = {
    image: Args.string({ description: 'image reference, oci:<dir>[:tag|@digest] or docker-archive:<file>', required: true }),
  };

  static override flags = {
    ...verifyFlags,
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
    contents: Flags.string({
      summary: 'Read the layers: auto (only when a policy judges inventory, reconciliation or SBOMs), always, or never.',
      description: 'A signature or provenance check needs manifests and small blobs only. With never, a policy that judges the contents cannot be checked (exit 3, CONTENTS_REQUIRED).',
      options: [...CONTENTS_MODES],
      default: 'auto',
    }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Image);
    const ctx = this.contextFrom(flags);
    requireSourceUri(flags, flags.policy ?? []);
    const policies = await this.policiesFrom(flags.policy ?? []);
    const { readsContents } = await import('../policy/contents-use.js');
    const options = { ...toImageOptions(args.image, flags), readContents: readsContents(flags.contents as ContentsMode, policies) };
    const { collectImageEvidence } = await import('../pipeline/image.js');
    const evidence = await collectImageEvidence(options, ctx);
    await this.judge(evidence, policies, flags, ctx);
  }
}
