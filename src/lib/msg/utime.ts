/**
 * utime_t as Ceph's operator<< prints it (monmaptool --print, osd dump): values under ten
 * years are taken for relative times and print as `seconds.micros`; later ones as an ISO-8601
 * date. Ceph uses the local time zone; monctl prints UTC, which is what Ceph prints on hosts
 * (and in containers) running in UTC.
 */
import { formatUTime, type UTime } from '../encoding/index.js';

const TEN_YEARS_SEC = 60 * 60 * 24 * 365 * 10;

export function formatUTimeCeph(t: UTime): string {
  if (t.sec < TEN_YEARS_SEC) return `${t.sec}.${String(Math.floor(t.nsec / 1000)).padStart(6, '0')}`;
  return formatUTime(t);
}
