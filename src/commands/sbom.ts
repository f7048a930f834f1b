import { Args, Flags } from '@oclif/core';
import { VouchCommand } from '../cli/base-command.js';
import { EXIT } from '../cli/exit-codes.js';
import { limitFlags } from '../cli/flags.js';
import { toLimits } from '../cli/options.js';
import type { SbomDocument } from '../pipeline/sbom.js';

export default class Sbom extends VouchCommand {
  static override summary = 'Read an SBOM (SPDX 2.2/2.3 JSON, SPDX 3.0 JSON-LD, CycloneDX 1.4-1.6 JSON) and print its normalised model.';
  static override description = `Sniffs the format, validates the document (CycloneDX against its official schema; SPDX with strict decoders of every field vouch reads) and prints the one model vouch reconciles against: document, packages, files, relationships, and every problem found (JSON pointer and reason).
Exit 0 when the document read cleanly (warnings about spellings real generators use are shown but allowed), 1 when it has issues, 3 when it is unreadable or not an SBOM.`;

  static override examples = [
    '<%= config.bin %> sbom var/lib/db/sbom/hello-2.12-r0.spdx.json',
    '<%= config.bin %> sbom image.cdx.json --format json',
  ];

  static override args = {
    file: Args.string({ description: 'SBOM file to read', required: true }),
  };

  static override flags = {
    format: Flags.string({ char: 'f', summary: 'Output format.', options: ['text', 'json'], default: 'text' }),
    json: Flags.boolean({ summary: 'Same as --format json: stdout carries exactly one JSON document.' }),
    verbose: Flags.boolean({ char: 'v', summary: 'Log progress and debug details to stderr.' }),
    'max-document-size': limitFlags['max-document-size'],
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Sbom);
    const ctx = this.contextFrom({ format: flags.format, json: flags.json, verbose: flags.verbose });
    const limits = toLimits(flags);
    const { readSbomFile } = await import('../pipeline/sbom.js');
    const document = await readSbomFile(args.file, limits, ctx);
    const json = flags.json || flags.format === 'json';
    process.stdout.write(json ? `${JSON.stringify({ file: args.file, ...document }, null, 2)}\n` : renderSbomText(args.file, document));
    process.exitCode = document.issues.length > 0 ? EXIT.FAIL : EXIT.PASS;
  }
}

/** The model for people: document, packages, files, relationships, then every issue and warning. */
function renderSbomText(file: string, doc: SbomDocument): string {
  const lines: string[] = [`${file}: ${doc.format} ${doc.specVersion}${doc.name ? ` "${doc.name}"` : ''}`];
  const field = (name: string, value: string | undefined) => value !== undefined && lines.push(`  ${name}: ${value}`);
  field('namespace', doc.namespace);
  field('created', doc.created);
  field('creators', doc.creators.length > 0 ? doc.creators.join('; ') : undefined);
  field('describes', doc.describes && doc.describes.length > 0 ? doc.describes.join(', ') : undefined);
  lines.push(`packages (${doc.packages.length}):`);
  for (const p of doc.packages) {
    lines.push(`  ${p.name}${p.version ? ` ${p.version}` : ''}${p.purpose ? ` [${p.purpose}]` : ''}  (${p.id})`);
    const facts = [
      p.purl && `purl ${p.purl}`,
      p.licenseDeclared && `license ${p.licenseDeclared}`,
      p.licenseConcluded && p.licenseConcluded !== 'NOASSERTION' && `concluded ${p.licenseConcluded}`,
      p.supplier && `supplier ${p.supplier}`,
      ...p.checksums.map((c) => `${c.algorithm}:${c.value}`),
    ].filter((x): x is string => typeof x === 'string' && x !== '');
    for (const f of facts) lines.push(`    ${f}`);
  }
  lines.push(`files (${doc.files.length}):`);
  for (const f of doc.files.slice(0, 200)) lines.push(`  ${f.path}  ${f.checksums.map((c) => `${c.algorithm}:${c.value}`).join(' ')}`);
  if (doc.files.length > 200) lines.push(`  ... ${doc.files.length - 200} more (--format json lists them all)`);
  lines.push(`relationships (${doc.relationships.length}):`);
  for (const r of doc.relationships.slice(0, 200)) lines.push(`  ${r.from} ${r.type} ${r.to}`);
  if (doc.relationships.length > 200) lines.push(`  ... ${doc.relationships.length - 200} more`);
  for (const w of doc.warnings ?? []) lines.push(`warning: ${w.path || '/'}: ${w.reason}`);
  for (const i of doc.issues) lines.push(`issue: ${i.path || '/'}: ${i.reason}`);
  lines.push(doc.issues.length === 0 ? 'read cleanly' : `${doc.issues.length} issue(s)`);
  return `${lines.join('\n')}\n`;
}
