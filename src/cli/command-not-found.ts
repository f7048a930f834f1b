import { Errors, Help } from '@oclif/core';
import { getHelpFlagAdditions, standardizeIDFromArgv } from '@oclif/core/help';
import type { Hook, Interfaces } from '@oclif/core';

/**
 * A mistyped command is a usage error (exit 2) like a mistyped flag, and says what exists. oclif
 * would fail with its default exit code instead, which vouch sets to 3 ("could not check") so
 * that no stray error can look like a verdict. Two ways in: running a command that does not
 * exist (the `command_not_found` hook) and asking for its help (`vouch help x`, `vouch x --help`:
 * the help class).
 */
export function unknownCommand(id: string, config: Interfaces.Config): Errors.CLIError {
  const names = config.commands.filter((c) => !c.hidden).map((c) => c.id.split(':').join(' ')).sort();
  return new Errors.CLIError(`unknown command: ${typedCommand(id, config)}`, {
    exit: 2,
    suggestions: [`commands: ${names.join(', ')}; see vouch --help`],
  });
}

/**
 * oclif joins every word of the command line into the id ("verify x.apk" -> "verify:x.apk");
 * the command the user meant ends at the first word that is not a topic ("verify", "policy check").
 */
function typedCommand(id: string, config: Interfaces.Config): string {
  const words = id.split(':');
  let n = 1;
  while (n < words.length && config.findTopic(words.slice(0, n).join(':'))) n++;
  return words.slice(0, n).join(' ');
}

export const commandNotFound: Hook<'command_not_found'> = async function (options) {
  throw unknownCommand(options.id, options.config);
};

/** oclif's help, except that help for a command that does not exist is the same usage error. */
export class VouchHelp extends Help {
  override async showHelp(argv: string[]): Promise<void> {
    const subject = helpSubject(argv, this.config);
    if (subject !== undefined && !this.config.findCommand(subject) && !this.config.findTopic(subject)) throw unknownCommand(subject, this.config);
    await super.showHelp(argv);
  }
}

/**
 * What oclif's Help.showHelp shows help for (its own getHelpSubject, which it does not export):
 * the command or topic id made of the leading words; undefined for the root help.
 */
function helpSubject(argv: readonly string[], config: Interfaces.Config): string | undefined {
  const helpFlags = getHelpFlagAdditions(config);
  let args = argv.filter((a) => !helpFlags.includes(a));
  if (config.topicSeparator !== ':') args = standardizeIDFromArgv(args, config);
  for (const arg of args) {
    if (arg === '--' || arg.startsWith('-')) return undefined;
    if (arg !== 'help') return arg;
  }
  return undefined;
}
