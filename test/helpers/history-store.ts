import { decodeOSDMap, encodeOSDMap } from '../../src/lib/osdmap/index.js';
import { CEPH_OSD_IN, OSD_STATE } from '../../src/lib/osdmap/osdmap-types.js';
import { MonStore, TransactionBuilder } from '../../src/lib/store/index.js';
import { extractFixture, type Backend } from './ceph.js';

/**
 * A copy of a fixture store (every OSD down at every epoch) whose stored full maps of epochs
 * 25..31 are edited so that PGs have places to go: every OSD up and in from 25, osd.2 out from
 * 27, osd.4 down from 29, osd.2 back in at 31. The incrementals are left as they were.
 * Returns the mon data dir.
 */
export async function makeHistoryStore(backend: Backend): Promise<string> {
  const mon = extractFixture(backend);
  await MonStore.with(mon, { write: true }, async (s) => {
    const tx = new TransactionBuilder();
    for (let e = 25; e <= 31; e++) {
      const m = decodeOSDMap(await s.require('osdmap', `full_${e}`));
      for (let o = 0; o < m.maxOsd; o++) {
        m.osdState[o] = (m.osdState[o] ?? 0) | OSD_STATE.EXISTS | OSD_STATE.UP;
        m.osdWeight[o] = CEPH_OSD_IN;
      }
      if (e >= 27 && e < 31) m.osdWeight[2] = 0;
      if (e >= 29) m.osdState[4]! &= ~OSD_STATE.UP;
      tx.put('osdmap', `full_${e}`, encodeOSDMap(m));
    }
    await s.apply(tx.tx);
  });
  return mon;
}
