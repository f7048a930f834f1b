import { Errors } from '@oclif/core';
import type { Hook } from '@oclif/core';

/** The commands a user can type, for the suggestion (topics joined by spaces, as in --help). */
function commandNames(config: Parameters<Hook<'command_not_found'>>[0]['config']): string[] {
  return config.commands.filter((c) => !c.hidden).map((c) => c.id.split(':').join(' ')).sort();
}

/**
 * oclif's `command_not_found` hook. Without it an unknown command fails with oclif's default exit
 * code, which vouch sets to 3 ("could not check") so that no stray error can look like a verdict;
 * a mistyped command is a usage error (exit 2) like a mistyped flag, and says what exists.
 */
export const commandNotFound: Hook<'command_not_found'> = async function (options) {
  const typed = options.id.split(':').join(' ');
  throw new Errors.CLIError(`unknown command: ${typed}`, {
    exit: 2,
    suggestions: [`commands: ${commandNames(options.config).join(', ')}; see vouch --help`],
  });
};
