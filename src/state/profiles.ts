// Which gradient profile the page shows. The worker stamps every profile with the version of the weights
// it was computed on (a counter it bumps on every change of the weights that is not a training step:
// a W_rec rescale, a reset, a restore, an engine switch, ...). A profile of older weights may still be on
// its way when a newer one has arrived (a step recorded before a W_rec change goes out with the next
// frames): it must never replace the newer one, or the view would show the old weights' picture again.

import type { GradientProfile } from '../train/protocol';

export interface ShownProfile {
  profile: GradientProfile | null; // the profile on screen
  newestVersion: number; // the newest weights version heard of; -1 before any
}

/**
 * The profile to show after `incoming` (oldest first) arrived. `announced` is a weights version the message
 * names besides its profiles (a frames message says which weights are current when it is sent).
 * A profile is taken when its version is at least the newest seen; within one version later ones win
 * (the worker posts them in step order). When none is taken, the shown profile stays.
 */
export function takeNewerProfiles(shown: ShownProfile, incoming: readonly GradientProfile[], announced = -1): ShownProfile {
  let { profile, newestVersion } = shown;
  newestVersion = Math.max(newestVersion, announced);
  for (const p of incoming) {
    if (p.weightsVersion < newestVersion) continue;
    profile = p;
    newestVersion = p.weightsVersion;
  }
  return { profile, newestVersion };
}
