/**
 * osdmap dump/tree, placement and monmap against Tentacle's running ceph-mon: see
 * test/helpers/osdmap-releases-mon-suite.ts.
 */
import { osdmapMonSuite } from '../helpers/osdmap-releases-mon-suite.js';

osdmapMonSuite('tentacle');
