import { StoreCommand } from '../../base-command.js';

export default class StoreCompact extends StoreCommand {
  static override summary = 'Compact the whole store, like `ceph-monstore-tool compact` (refused while a monitor runs on it).';
  static override examples = ['<%= config.bin %> store compact -s /var/lib/ceph/mon/ceph-a'];

  async run(): Promise<{ store: string; backend: string; compacted: boolean }> {
    const { flags } = await this.parse(StoreCompact);
    return this.withStore(
      flags.store,
      async (store) => {
        await store.compact();
        const where = store.location.monDataDir ?? store.location.dbDir;
        this.log(`compacted ${where}`);
        return { store: where, backend: store.backend, compacted: true };
      },
      { write: true },
    );
  }
}
