/**
 * The CLI's entry point and command table. `npm run build` bundles this file with esbuild into
 * dist/vouch.js (commands, oclif and the libraries they need; what a command loads only on use
 * goes into dist/chunks/ and stays lazy). One bundle instead of several hundred module files
 * takes about a third off every start (docs/performance.md). oclif finds the commands here
 * through the `explicit` command-discovery strategy (package.json, oclif.commands), and its hook
 * and help class here too (oclif.hooks, oclif.helpClass).
 */
import Apk from './commands/apk.js';
import Artifact from './commands/artifact.js';
import Image from './commands/image.js';
import Merge from './commands/merge.js';
import PolicyEval from './commands/policy/eval.js';
import PolicyLint from './commands/policy/lint.js';
import PolicyTest from './commands/policy/test.js';
import Rootfs from './commands/rootfs.js';
import Sbom from './commands/sbom.js';
import VsaVerify from './commands/vsa/verify.js';
import Serve from './commands/serve.js';

export { execute } from '@oclif/core';
export { commandNotFound as COMMAND_NOT_FOUND, VouchHelp as HELP } from './cli/command-not-found.js';

/** Command id (topics joined by ':') to command class; a test keeps it equal to src/commands/. */
export const COMMANDS = {
  apk: Apk,
  artifact: Artifact,
  image: Image,
  merge: Merge,
  'policy:eval': PolicyEval,
  'policy:lint': PolicyLint,
  'policy:test': PolicyTest,
  rootfs: Rootfs,
  sbom: Sbom,
  'vsa:verify': VsaVerify,
  serve: Serve,
};
