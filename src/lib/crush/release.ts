/**
 * What differs in crushtool's text, JSON and compiler from one Ceph release to the next. Each
 * gate names the change it follows; the values were checked against crushtool 16.2.15, 18.2.7
 * and 20.2.4 (test/conformance/crush-release-live.test.ts). Quincy (17) and Squid (19) take
 * the gates of the change that introduced them (there are no oracles of those releases here).
 */
import { RuleOp, TAIL_GROUPS_SQUID, type CrushMap } from './types.js';
import { effectiveRelease } from '../ceph-releases.js';
import { isMsrRuleType } from './mapper-msr.js';

/** Quincy: rule min_size/max_size (and the ruleset) are gone from CrushCompiler and CrushWrapper::dump_rule. */
export const RELEASE_QUINCY = 17;
/** Squid: msr rules, choosemsr steps and the msr tunables (CRUSH_MSR). */
export const RELEASE_SQUID = 19;

export interface CrushTextRules {
  release: number;
  /** CrushCompiler's print_fixedpoint: "%.5f" from Quincy, "%.3f" before. */
  weightDecimals: 3 | 5;
  /** Rules carry min_size/max_size in text and dump, `ruleset` in the dump and the WARNING line (Pacific). */
  ruleSizes: boolean;
  /** msr rule types, choosemsr / set_msr_* steps, msr tunables (Squid). */
  msr: boolean;
}

export function crushTextRules(release: number): CrushTextRules {
  return {
    release,
    weightDecimals: release >= RELEASE_QUINCY ? 5 : 3,
    ruleSizes: release < RELEASE_QUINCY,
    msr: release >= RELEASE_SQUID,
  };
}

/** CrushWrapper::has_nondefault_tunables_msr */
export function hasNondefaultMsrTunables(map: CrushMap): boolean {
  return map.tunables.msrDescents !== 100 || map.tunables.msrCollisionTries !== 100;
}

/** CrushWrapper::has_msr_rules: some rule has an msr type. */
export function hasMsrRules(map: CrushMap): boolean {
  return map.rules.some((r) => r !== null && isMsrRuleType(r.type));
}

/**
 * The release a CRUSH map itself proves: Squid when it carries what only Squid and later
 * encode (the msr tunables, an msr rule, a choosemsr or set_msr_* step); otherwise nothing
 * (a Pacific map and a Reef map look the same).
 */
export function crushReleaseFromMap(map: CrushMap): number | undefined {
  const msrOps: number[] = [RuleOp.CHOOSE_MSR, RuleOp.SET_MSR_DESCENTS, RuleOp.SET_MSR_COLLISION_TRIES];
  const msrSteps = map.rules.some((r) => r !== null && r.steps.some((s) => msrOps.includes(s.op)));
  if (map.tailGroups >= TAIL_GROUPS_SQUID || hasMsrRules(map) || hasNondefaultMsrTunables(map) || msrSteps) return RELEASE_SQUID;
  return undefined;
}

/**
 * The release a crush command reproduces: the one named (--release / $MONCTL_RELEASE), else
 * what the map proves (crushReleaseFromMap), else what its source says (the OSDMap's
 * require_osd_release when the map comes from a store), else Pacific.
 */
export function crushCommandRelease(map: CrushMap, named: number | undefined, fromInput?: number): number {
  return effectiveRelease(named, crushReleaseFromMap(map) ?? fromInput);
}
