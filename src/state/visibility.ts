// Training pauses while the tab is hidden and resumes when it is visible again (only if the hiding paused it).

export class HiddenTabPause {
  private pausedByHiding = false;

  /** True while training is paused because the tab is hidden. */
  get active(): boolean {
    return this.pausedByHiding;
  }

  changed(hidden: boolean, running: boolean, pause: () => void, play: () => void): void {
    if (hidden && running) {
      this.pausedByHiding = true;
      pause();
    } else if (!hidden && this.pausedByHiding) {
      this.pausedByHiding = false;
      play();
    }
  }
}
