import { describe, expect, it } from 'vitest';
import { effectiveRelease, parseRelease } from '../../src/lib/ceph-releases.js';

describe('parseRelease', () => {
  it('takes names and numbers from pacific to tentacle', () => {
    expect(parseRelease('pacific')).toEqual({ release: 16 });
    expect(parseRelease('Reef')).toEqual({ release: 18 });
    expect(parseRelease('19')).toEqual({ release: 19 });
    expect(parseRelease('tentacle')).toEqual({ release: 20 });
  });
  it('refuses older, newer and unknown releases with a reason', () => {
    expect(parseRelease('octopus')).toEqual({ error: expect.stringMatching(/older than monctl reproduces/) });
    expect(parseRelease('umbrella')).toEqual({ error: expect.stringMatching(/newer than monctl knows/) });
    expect(parseRelease('22')).toEqual({ error: expect.stringMatching(/newer than monctl knows/) });
    expect(parseRelease('squidd')).toEqual({ error: expect.stringMatching(/unknown release "squidd"/) });
  });
});

describe('effectiveRelease', () => {
  it('prefers the named release, then the input, then pacific', () => {
    expect(effectiveRelease(18, 20)).toBe(18);
    expect(effectiveRelease(undefined, 20)).toBe(20);
    expect(effectiveRelease(undefined, 12)).toBe(16);
    expect(effectiveRelease(undefined, undefined)).toBe(16);
  });
});
