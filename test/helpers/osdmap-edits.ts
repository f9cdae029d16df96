import type { OSDMap } from '../../src/lib/osdmap/index.js';
import { CEPH_OSD_IN, OSD_STATE } from '../../src/lib/osdmap/osdmap-types.js';

export interface Edits {
  upIn: boolean;
  out?: number;
}

export const editArgs = (e: Edits): string[] => [...(e.upIn ? ['--mark-up-in'] : []), ...(e.out !== undefined ? ['--mark-out', String(e.out)] : [])];

/**
 * osdmaptool's in-memory edits: --mark-up-in (every id up, in, and so existing), then --mark-out
 * (up, weight 0). The CRUSH weight fix-up of --mark-up-in is not modelled: the maps here have
 * no zero-weight device.
 */
export function applyEdits(m: OSDMap, e: Edits): OSDMap {
  const setWeight = (o: number, w: number): void => {
    m.osdWeight[o] = w;
    if (w !== 0) m.osdState[o] = (m.osdState[o] ?? 0) | OSD_STATE.EXISTS;
  };
  if (e.upIn) {
    for (let i = 0; i < m.maxOsd; i++) {
      m.osdState[i] = (m.osdState[i] ?? 0) | OSD_STATE.UP;
      setWeight(i, CEPH_OSD_IN);
    }
  }
  if (e.out !== undefined && e.out < m.maxOsd) {
    m.osdState[e.out] = (m.osdState[e.out] ?? 0) | OSD_STATE.UP;
    setWeight(e.out, 0);
  }
  return m;
}

