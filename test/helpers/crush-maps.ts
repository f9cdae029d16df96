import { RuleOp, type CrushMap } from '../../src/lib/crush/index.js';

type Rule = NonNullable<CrushMap['rules'][number]>;

/** `step take ROOT; step chooseleaf firstn 0 type 1; step emit` — ruleset 0, size 1..10. */
export function replicatedRule(root: number): Rule {
  return {
    ruleset: 0,
    type: 1,
    minSize: 1,
    maxSize: 10,
    steps: [
      { op: RuleOp.TAKE, arg1: root, arg2: 0 },
      { op: RuleOp.CHOOSELEAF_FIRSTN, arg1: 0, arg2: 1 },
      { op: RuleOp.EMIT, arg1: 0, arg2: 0 },
    ],
  };
}
