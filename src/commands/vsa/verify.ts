import { Args, Flags } from '@oclif/core';
import { VouchCommand, reportFlags } from '../../cli/base-command.js';
import { networkFlags } from '../../cli/flags.js';
import { parseSize } from '../../cli/options.js';
import { VouchError } from '../../errors.js';
import { readInputFile } from '../../pipeline/input-file.js';
import { DEFAULT_LIMITS } from '../../pipeline/options.js';
import { toolVersion } from '../../pipeline/tool-version.js';

const DIGEST = /^[a-zA-Z0-9_-]+:[^\s:]+$/;

export default class VsaVerify extends VouchCommand {
  static override summary = 'Check a verification summary (SLSA VSA) the way slsa-verifier verify-vsa does.';
  static override description = `Reads a VSA as a bare DSSE envelope (slsa-verifier, cosign .att layers) or a Sigstore bundle (what vouch --vsa-output writes), verifies its signature with --public-key, and checks it against every expectation given: each --subject-digest among its subjects, exactly the --verifier-id and --resource-uri, verificationResult PASSED, and each --verified-level reached (SLSA_BUILD_LEVEL_2 is reached by SLSA_BUILD_LEVEL_3).
A signature counts only when its key id is empty or equals --public-key-id (default: the key's fingerprint, SHA256: + unpadded base64 of SHA-256 over its DER, as slsa-verifier computes it). Exit 0 when all held, 1 when one did not, 2 for usage errors, 3 when the file could not be read. docs/vsa.md has the details.`;

  static override examples = [
    '<%= config.bin %> vsa verify app.vsa.json --public-key ci-vsa.pub --subject-digest sha256:<hex> --verifier-id https://vouch.dev/verifier --resource-uri registry.example.com/org/app@sha256:<hex>',
    '<%= config.bin %> vsa verify gke-gce-pre.bcid-vsa.jsonl --public-key vsa_signing_public_key.pem --public-key-id keystore://76574:prod:vsa_signing_public_key --subject-digest gce_image_id:8970095005306000053 --verifier-id https://bcid.corp.google.com/verifier/bcid_package_enforcer/v0.1 --resource-uri gce_image://gke-node-images:gke-12615-gke1418000-cos-101-17162-463-29-c-cgpv1-pre --verified-level BCID_L1 --verified-level SLSA_BUILD_LEVEL_2',
  ];

  static override args = {
    file: Args.string({ description: 'the VSA: a DSSE envelope or a Sigstore bundle (JSON)', required: true }),
  };

  static override flags = {
    ...reportFlags,
    ...networkFlags,
    'public-key': Flags.string({ summary: 'PEM public key the VSA must be signed with.', required: true }),
    'public-key-id': Flags.string({ summary: "Key id a signature may name (default: the key's SHA256: fingerprint); signatures naming another id do not count." }),
    'subject-digest': Flags.string({ summary: 'ALG:VALUE that must be among the subjects (repeatable; all must be).', multiple: true, required: true }),
    'verifier-id': Flags.string({ summary: 'The exact verifier.id the VSA must name.', required: true }),
    'resource-uri': Flags.string({ summary: 'The exact resourceUri the VSA must name.', required: true }),
    'verified-level': Flags.string({ summary: 'A level the VSA must reach (repeatable).', multiple: true }),
    'max-document-size': Flags.string({ summary: 'Largest VSA file read (default 64MiB).', helpGroup: 'LIMITS' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(VsaVerify);
    const ctx = this.contextFrom(flags);
    for (const d of flags['subject-digest']) {
      if (!DIGEST.test(d)) throw new VouchError({ code: 'USAGE', message: `--subject-digest must be ALG:VALUE, e.g. sha256:<hex>, got ${JSON.stringify(d)}` });
    }
    const maxDocumentBytes = flags['max-document-size'] === undefined ? DEFAULT_LIMITS.maxDocumentBytes : parseSize(flags['max-document-size'], '--max-document-size');
    const policies = await this.policiesFrom(['vsa']);
    const vsa = await import('../../vsa/index.js');
    const key = await vsa.loadTrustedKey(flags['public-key'], '--public-key');
    const bytes = await readInputFile(args.file, { what: 'VSA', maxBytes: maxDocumentBytes, flag: '--max-document-size' });
    const evidence = vsa.verifyVsaFile(
      { path: args.file, bytes },
      [key],
      {
        subjectDigests: flags['subject-digest'],
        verifierId: flags['verifier-id'],
        resourceUri: flags['resource-uri'],
        verifiedLevels: flags['verified-level'] ?? [],
        ...(flags['public-key-id'] !== undefined && { keyId: flags['public-key-id'] }),
      },
      { toolVersion: toolVersion(), now: ctx.now, maxDocumentBytes },
    );
    await this.judge(evidence, policies, flags, ctx);
  }
}
