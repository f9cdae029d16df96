/**
 * docs/commands.md: every command's help (what `monctl COMMAND --help` prints), grouped by
 * topic, generated from the same oclif config as --help itself (`npm run docs`; what `oclif
 * readme` does, without its Node 22-only CLI). test/commands/cli-reference.test.ts fails when
 * the committed file is stale.
 */
import { Help, type Command, type Config } from '@oclif/core';

/** Help text at a fixed width and without colour, so the file does not depend on the terminal. */
class ReferenceHelp extends Help {
  constructor(config: Config) {
    super(config, { stripAnsi: true, maxWidth: 100 });
  }

  text(cmd: Command.Loadable): string {
    return this.formatCommand(cmd).replace(/[ \t]+$/gm, '');
  }
}

const words = (id: string): string => id.replace(/:/g, ' ');

/** The markdown of docs/commands.md for `config`'s commands (plugins' included), sorted by id. */
export function commandReference(config: Config): string {
  const help = new ReferenceHelp(config);
  const cmds = config.commands.filter((c) => !c.hidden).sort((a, b) => (words(a.id) < words(b.id) ? -1 : words(a.id) > words(b.id) ? 1 : 0));
  const bin = config.bin;
  let s = `# ${bin} command reference\n\n`;
  s += `Generated from the commands' own help by \`npm run docs\` (${bin} ${config.version}); a unit test fails when it is stale.\n`;
  s += `Every command also answers \`--help\`; \`${bin} autocomplete bash|zsh\` sets up shell completion.\n\n`;
  for (const c of cmds) s += `- [\`${bin} ${words(c.id)}\`](#${anchor(`${bin} ${words(c.id)}`)})${c.summary ? ` — ${oneLine(c.summary)}` : ''}\n`;
  for (const c of cmds) s += `\n## \`${bin} ${words(c.id)}\`\n\n${c.summary ? `${oneLine(c.summary)}\n\n` : ''}\`\`\`\n${help.text(c).trimEnd()}\n\`\`\`\n`;
  return s;
}

function oneLine(t: string): string {
  return t.replace(/\s+/g, ' ').trim();
}

/** GitHub's heading anchor: lower case, spaces to dashes, punctuation dropped. */
function anchor(heading: string): string {
  return heading.toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-');
}
