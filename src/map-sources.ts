import { Flags } from '@oclif/core';
import { StoreCommand } from './base-command.js';
import { MonctlError } from './lib/errors.js';
import { decodeOSDMap, type OSDMap } from './lib/osdmap/index.js';
import { readFullMap } from './lib/mon/osd/store.js';
import { readInputFile } from './files.js';

/**
 * Where a command's map comes from: a store (`--store`, `--epoch`, default the newest) or a
 * file. $MONCTL_STORE alone does not conflict with a file (oclif's `exclusive` would count
 * it): the file wins.
 */
function refuseBoth(store: string | undefined, fileFlag: string): void {
  if (store !== undefined && store !== process.env.MONCTL_STORE) {
    throw new MonctlError('BAD_ARGUMENT', `--${fileFlag} and --store cannot be used together`, {
      actions: [`Pass --${fileFlag} FILE to read a file, or --store DIR (with --epoch) to read the store's map.`],
    });
  }
}

const epochFlag = (exclusive: string) =>
  Flags.string({ char: 'e', summary: 'The osdmap epoch to read from the store (default: osdmap/last_committed).', exclusive: [exclusive] });

/** `--epoch` (store) or `--osdmap FILE`: the map the osdmap print, tree and dump commands show. */
export const mapSourceFlags = {
  epoch: epochFlag('osdmap'),
  osdmap: Flags.string({ char: 'm', summary: 'Read an OSDMap file (as `osdmaptool` or `monctl osdmap get` write it) instead of a store.' }),
};

/** `--epoch` (the CRUSH map inside that osdmap epoch) or `--crushmap FILE`. */
export const crushSourceFlags = {
  epoch: epochFlag('crushmap'),
  crushmap: Flags.string({ char: 'i', summary: 'Read a compiled CRUSH map file (as `crushtool -c` or `ceph osd getcrushmap` write it) instead of a store.' }),
};

/** Commands that show one full OSDMap, read from a store or from a file. */
export abstract class OSDMapSourceCommand extends StoreCommand {
  protected async loadMap(flags: { store?: string; epoch?: string; osdmap?: string }): Promise<{ source: string; map: OSDMap }> {
    if (flags.osdmap === undefined) {
      const { key, map } = await this.withStore(flags.store, (store) => readFullMap(store, flags.epoch));
      return { source: key, map };
    }
    refuseBoth(flags.store, 'osdmap');
    return { source: flags.osdmap, map: decodeOSDMap(readInputFile(flags.osdmap)) };
  }
}

/** Commands that show a CRUSH map: from a file, or embedded in a stored osdmap epoch. */
export abstract class CrushSourceCommand extends StoreCommand {
  /** The CRUSH map's bytes; from a store also the OSDMap's require_osd_release (`inputRelease`). */
  protected async loadCrushBytes(flags: { store?: string; epoch?: string; crushmap?: string }): Promise<{ source: string; bytes: Uint8Array; inputRelease?: number }> {
    if (flags.crushmap === undefined) {
      const { key, map } = await this.withStore(flags.store, (store) => readFullMap(store, flags.epoch));
      return { source: `${key} (crush_version ${map.crushVersion})`, bytes: map.crushBytes, inputRelease: map.requireOsdRelease };
    }
    refuseBoth(flags.store, 'crushmap');
    return { source: flags.crushmap, bytes: readInputFile(flags.crushmap) };
  }
}
