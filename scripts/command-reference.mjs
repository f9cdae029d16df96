// Writes docs/commands.md, every command's --help (src/lib/cli/reference.ts). Needs a build.
import { writeFileSync } from 'node:fs';
import { Config } from '@oclif/core';
import { commandReference } from '../dist/lib/cli/reference.js';

const root = new URL('..', import.meta.url).pathname;
const config = await Config.load(root);
writeFileSync(new URL('../docs/commands.md', import.meta.url), commandReference(config));
console.log(`docs/commands.md: ${config.commands.filter((c) => !c.hidden).length} commands`);
