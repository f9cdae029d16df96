/**
 * Every command's --help lists every flag the command accepts. The flags a command accepts are
 * what oclif's parser uses (the class's flags, baseFlags and --json, through the prototype
 * chain); --help is drawn from the manifest (oclif.manifest.json, written by `npm run build`),
 * which oclif builds by walking the class chain differently: an abstract class without static
 * properties of its own once cut --store and --json from 7 `osdmap edit` commands' help.
 * Needs a build (dist/), as `npm test` after `npm ci` has.
 */
import { Command, Config, Help } from '@oclif/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/corpus.js';

/** What `this.parse()` of the class accepts: name → short name. */
function acceptedFlags(ctor: Command.Class): Map<string, string | undefined> {
  const all: Record<string, { char?: string; hidden?: boolean }> = { ...(ctor.baseFlags ?? {}), ...(ctor.flags ?? {}) };
  const out = new Map<string, string | undefined>();
  for (const [name, f] of Object.entries(all)) if (!f.hidden) out.set(name, f.char);
  if (ctor.enableJsonFlag) out.set('json', undefined);
  return out;
}

class TestHelp extends Help {
  text(cmd: Command.Loadable): string {
    return this.formatCommand(cmd);
  }
}

describe('help lists every flag a command takes', () => {
  let config: Config;
  beforeAll(async () => {
    config = await Config.load(repoRoot);
  });

  it('for every command, the manifest has exactly the flags the parser accepts, and --help shows each', async () => {
    const help = new TestHelp(config, { stripAnsi: true });
    const missing: string[] = [];
    let checked = 0;
    for (const cmd of config.commands) {
      const ctor = await cmd.load();
      const accepted = acceptedFlags(ctor);
      const manifest = Object.keys(cmd.flags).filter((n) => !cmd.flags[n]!.hidden).sort();
      expect({ id: cmd.id, flags: manifest }).toEqual({ id: cmd.id, flags: [...accepted.keys()].sort() });
      const text = help.text(cmd);
      for (const [name, char] of accepted) {
        const shown = char ? text.includes(`-${char}, --${name}`) : new RegExp(`(^|\\s)--${name}([=\\s]|$)`, 'm').test(text);
        if (!shown) missing.push(`${cmd.id}: ${char ? `-${char}, ` : ''}--${name}`);
        checked++;
      }
    }
    expect(missing).toEqual([]);
    // Every monctl command (70) and the plugins' (help, autocomplete, version).
    expect(config.commands.length).toBeGreaterThanOrEqual(73);
    expect(checked).toBeGreaterThan(300);
  });

  it('osdmap edit commands: -s/--store and --json in the help of all eleven', async () => {
    const help = new TestHelp(config, { stripAnsi: true });
    const edits = config.commands.filter((c) => /^osdmap[: ]edit[: ]/.test(c.id));
    expect(edits).toHaveLength(11);
    for (const cmd of edits) {
      const text = help.text(cmd);
      expect(text, cmd.id).toContain('-s, --store=<value>');
      expect(text, cmd.id).toContain('--json');
    }
  });
});
