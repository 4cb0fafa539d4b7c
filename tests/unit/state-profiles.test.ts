import { describe, expect, it } from 'vitest';
import { takeNewerProfiles, type ShownProfile } from '../../src/state/profiles';
import type { GradientProfile } from '../../src/train/protocol';

/** A profile whose single layer's norms are all `level` (T = 4), so a test can tell which one is shown. */
function profile(step: number, weightsVersion: number, level = step): GradientProfile {
  return { step, weightsVersion, dh: [new Float64Array(4).fill(level)], dc: null };
}

const nothing: ShownProfile = { profile: null, newestVersion: -1 };

describe('takeNewerProfiles: the gradient profile the page shows', () => {
  it('shows the first profile of a fresh worker, and within one version the later one', () => {
    const first = takeNewerProfiles(nothing, [profile(1, 1)], 1);
    expect(first.profile?.step).toBe(1);
    expect(first.newestVersion).toBe(1);
    const later = takeNewerProfiles(first, [profile(2, 1), profile(3, 1)], 1);
    expect(later.profile?.step).toBe(3);
    expect(later.newestVersion).toBe(1);
  });

  it('keeps a paused preview of new weights when the old weights’ last steps are posted after it', () => {
    // The worker's order when W_rec moves and pause follows at once: the loop's last steps (version 1) are still
    // pending, the W_rec change bumps to version 2 and previews (paused by then), the pause flushes version 1.
    let shown = takeNewerProfiles(nothing, [profile(40, 1)], 1);
    const preview = profile(41, 2, 1e3);
    shown = takeNewerProfiles(shown, [preview]);
    shown = takeNewerProfiles(shown, [profile(41, 1)], 2);
    expect(shown.profile).toBe(preview);
    expect(shown.newestVersion).toBe(2);
  });

  it('does not let a stale profile through even without an announced version', () => {
    const preview = profile(10, 5);
    const shown = takeNewerProfiles(takeNewerProfiles(nothing, [preview]), [profile(9, 4), profile(10, 4)]);
    expect(shown.profile).toBe(preview);
    expect(shown.newestVersion).toBe(5);
  });

  it('takes the profiles of the new weights from a frame that also carries steps from before the change', () => {
    const before = takeNewerProfiles(nothing, [profile(20, 3)], 3);
    const shown = takeNewerProfiles(before, [profile(21, 3), profile(22, 4), profile(23, 4)], 4);
    expect(shown.profile?.step).toBe(23);
    expect(shown.newestVersion).toBe(4);
  });

  it('keeps the shown profile when a frame holds only profiles of weights older than it announces', () => {
    const before = takeNewerProfiles(nothing, [profile(20, 3)], 3);
    const shown = takeNewerProfiles(before, [profile(21, 3)], 4);
    expect(shown.profile?.step).toBe(20); // nothing newer yet: the last accepted stays
    expect(shown.newestVersion).toBe(4);
    // and once the first profile of version 4 arrives, it is shown; a late one of version 3 is not
    const next = takeNewerProfiles(takeNewerProfiles(shown, [profile(22, 4)], 4), [profile(22, 3)], 3);
    expect(next.profile?.step).toBe(22);
    expect(next.profile?.weightsVersion).toBe(4);
  });

  it('shows a cleared view’s next profile (after a reset the page drops its profile, the version stays)', () => {
    const cleared: ShownProfile = { profile: null, newestVersion: 7 };
    expect(takeNewerProfiles(cleared, [profile(0, 6)]).profile).toBeNull();
    expect(takeNewerProfiles(cleared, [profile(0, 7)]).profile?.weightsVersion).toBe(7);
  });

  it('leaves the view as it is for a frame without profiles', () => {
    const before = takeNewerProfiles(nothing, [profile(5, 2)], 2);
    expect(takeNewerProfiles(before, [], 2)).toEqual(before);
  });
});
