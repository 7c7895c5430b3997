// What the coach does besides drawing: speaking the cues (Web Speech API, with a mute switch
// remembered in localStorage), vibrating where the phone can, keeping the screen awake (Screen
// Wake Lock API, taken again when the page comes back), and the announcements for screen readers
// (one aria-live region, for cues and step changes only, never every second). Every one of these
// is optional: without the API the coach simply does without it.

const kMutedKey = 'hipcoach.coach.muted';

export function is_muted() {
  try {
    return window.localStorage.getItem(kMutedKey) === 'true';
  } catch {
    return false;
  }
}

export function set_muted(muted) {
  try {
    if (muted) window.localStorage.setItem(kMutedKey, 'true');
    else window.localStorage.removeItem(kMutedKey);
  } catch {
    // Without storage the choice lasts until the page is closed.
  }
  if (muted) window.speechSynthesis?.cancel();
}

// Says `text` aloud unless muted, cutting off whatever was being said.
export function speak(text) {
  const synthesis = window.speechSynthesis;
  if (!synthesis || typeof window.SpeechSynthesisUtterance !== 'function' || is_muted()) return;
  try {
    synthesis.cancel();
    const utterance = new window.SpeechSynthesisUtterance(text);
    utterance.lang = document.documentElement.lang || 'en';
    synthesis.speak(utterance);
  } catch {
    // No voice: the cue is still shown and announced.
  }
}

// A short buzz for a cue, a longer one for the end of a hold or a stop.
export function vibrate(pattern) {
  try {
    navigator.vibrate?.(pattern);
  } catch {
    // Not supported, or not allowed before a tap on the page.
  }
}

// Keeps the screen on while `wanted()` is true: takes the wake lock, and takes it again when the
// page becomes visible (the browser releases it whenever the page is hidden).
export class ScreenKeeper {
  constructor(wanted) {
    this.wanted_ = wanted;
    this.lock_ = null;
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.update();
    });
  }

  async update() {
    if (!this.wanted_()) {
      const lock = this.lock_;
      this.lock_ = null;
      await lock?.release().catch(() => {});
      return;
    }
    if ((this.lock_ && !this.lock_.released) || !navigator.wakeLock || document.visibilityState !== 'visible') return;
    try {
      this.lock_ = await navigator.wakeLock.request('screen');
    } catch {
      // Refused (battery saver, no permission): the screen may dim; the session still runs.
      this.lock_ = null;
    }
  }
}

// Announces `text` in the page's polite live region. The same words twice in a row get a
// no-break space, so that the region changes and they are read again.
export function announce(region, text) {
  region.textContent = region.textContent === text ? `${text}\u00a0` : text;
}
