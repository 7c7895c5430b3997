// Keeps the guided session under way in localStorage, so that a reload or a phone call (the page
// hidden, even closed) comes back to the same step with the same time held: the plan, the coach's
// state (its times are Date.now() values, so a running hold goes on counting by the wall clock),
// the pain rated before, and whose session it is. It is removed once the session is saved, when
// the person discards it, and at sign-out (ui.mjs forget_preferences).

import {check_state} from './coach-state.mjs';
import {kCoachSessionKey} from './ui.mjs';

const kVersion = 1;

// Saves {user_id, plan, state, pain_before, triage_id, saved}; `saved` is true once the server
// has the session. Returns false when storage is unavailable (the session then lasts only as
// long as the page).
export function save_session(session) {
  try {
    window.localStorage.setItem(kCoachSessionKey, JSON.stringify({version: kVersion, ...session}));
    return true;
  } catch {
    return false;
  }
}

// Returns the session saved for `user_id`, or null when there is none, it is someone else's, or
// it does not fit its plan (then it is removed).
export function load_session(user_id) {
  let stored;
  try {
    stored = JSON.parse(window.localStorage.getItem(kCoachSessionKey) ?? 'null');
  } catch {
    stored = null;
  }
  if (stored === null) return null;
  const usable = stored?.version === kVersion && stored.user_id === user_id &&
    Array.isArray(stored.plan?.steps) && stored.plan.steps.length > 0 && check_state(stored.plan, stored.state) === null;
  if (!usable) {
    forget_session();
    return null;
  }
  return stored;
}

export function forget_session() {
  try {
    window.localStorage.removeItem(kCoachSessionKey);
  } catch {
    // Nothing was stored.
  }
}
