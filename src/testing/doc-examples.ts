import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PROJECT_ROOT, runProcess } from './cli.js';
import type { CliResult } from './cli.js';

/** One ```js block of a Markdown document, with the ```text block right after it, if any. */
export interface DocExample {
  /** 1-based line of the opening fence, to name the example in a failure. */
  readonly line: number;
  readonly code: string;
  /** What the example prints, exactly; undefined when the document shows no output. */
  readonly expected?: string;
  /** Whether it reads ../shared/realdata (skipped where that is absent, as the real-data tests are). */
  readonly realdata: boolean;
}

/** The runnable examples of a document (relative to `root`, default the project): every ```js block. */
export function docExamples(docPath: string, root: string = PROJECT_ROOT): DocExample[] {
  const lines = readFileSync(join(root, docPath), 'utf8').split('\n');
  const examples: DocExample[] = [];
  const block = (from: number): { body: string; end: number } => {
    const end = lines.indexOf('```', from + 1);
    if (end < 0) throw new Error(`${docPath}:${from + 1}: unclosed code block`);
    return { body: lines.slice(from + 1, end).join('\n'), end };
  };
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```js') continue;
    const { body, end } = block(i);
    let next = end + 1;
    while (next < lines.length && lines[next] === '') next++;
    const expected = lines[next] === '```text' ? `${block(next).body}\n` : undefined;
    examples.push({ line: i + 1, code: body, ...(expected !== undefined && { expected }), realdata: body.includes('../shared/realdata') });
    i = end;
  }
  return examples;
}

/**
 * Runs one example as an ES module on the node running the tests, from a file in `dir` (so that
 * `import ... from 'vouch'` resolves as it would there: a node_modules/vouch of an installed
 * package), with the working directory at the project root, where the examples' relative
 * fixture paths point. `rewriteVouchTo` replaces the package name by a module URL instead (the
 * built sources).
 */
export async function runDocExample(example: DocExample, dir: string, options: { rewriteVouchTo?: string } = {}): Promise<CliResult> {
  const code = options.rewriteVouchTo === undefined ? example.code : example.code.replaceAll("from 'vouch'", `from ${JSON.stringify(options.rewriteVouchTo)}`);
  const file = join(dir, `example-${example.line}.mjs`);
  await writeFile(file, `${code}\n`);
  const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? dir, NO_COLOR: '1' };
  return runProcess(process.execPath, [file], { env, cwd: PROJECT_ROOT, timeoutMs: 120_000, noStdin: true });
}
