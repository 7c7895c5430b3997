// The triage result's "Save this check to my record" panel. Saving is the person's explicit
// choice: signed in, a button posts the same answers to POST /api/v1/me/triage and then offers
// the next steps that fit the result (an appointment request with the check attached, a guided
// session from it); signed out, one line says what signing in allows and links to the account
// page, which brings the person back here, where the result is shown again from this tab's
// answers (triage-state.mjs).
//
// The saved check's id is kept for this tab with the answers it was saved for, so that a reload
// of the result does not offer to save the same answers twice.

import {ApiError} from './api.mjs';
import {h} from './dom.mjs';
import {save_answers} from './triage-api.mjs';
import {sentence} from './ui.mjs';

const kSavedKey = 'hipcoach.triage.saved.v1';

// The account page's return name for this page (ui.mjs kReturnPages).
const kSignInHref = 'account.html?next=triage';

function storage() {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

function remembered(user, answers) {
  try {
    const saved = JSON.parse(storage()?.getItem(kSavedKey) ?? 'null');
    return saved?.user_id === user.id && saved?.answers === JSON.stringify(answers) &&
      Number.isInteger(saved?.id) ? saved.id : null;
  } catch {
    return null;
  }
}

function remember(user, answers, id) {
  try {
    storage()?.setItem(kSavedKey, JSON.stringify({user_id: user.id, answers: JSON.stringify(answers), id}));
  } catch {
    // Storage full or turned off: a reload then offers the button again.
  }
}

// Forgets the saved check (Start again).
export function forget_saved_check() {
  try {
    storage()?.removeItem(kSavedKey);
  } catch {
    // Nothing was kept.
  }
}

// Whether `result` offers self-treatment that a guided session can start from (as coach.mjs's
// usable_triage decides).
function offers_self_treatment(result) {
  return result.disposition !== 'urgent' && result.article_applies !== false &&
    Array.isArray(result.groups) && result.groups.length > 0;
}

function next_steps(result) {
  const steps = [h('li', {}, h('a', {href: 'appointments.html?attach=latest', id: 'save-next-appointment'},
    'Request an appointment with this check attached'),
  result.disposition === 'urgent'
    ? h('span', {class: 'save-next-note'}, 'An online request is not answered at once: for care today, call the ' +
      'clinic.') : null)];
  if (offers_self_treatment(result)) {
    steps.push(h('li', {}, h('a', {href: 'coach.html', id: 'save-next-coach'},
      'Start a guided session from this check')));
  }
  return h('ul', {class: 'save-next', id: 'save-next'}, steps);
}

// The error shown next to the button, in plain words.
function error_children(error) {
  if (error instanceof ApiError && error.status === 401) {
    return [h('p', {}, 'You are no longer signed in, so the check was not saved. ',
      h('a', {href: kSignInHref}, 'Sign in again'), ', then save it: your result stays on this page.')];
  }
  if (error instanceof ApiError && error.status === 429) {
    const wait = error.retry_after_seconds;
    return [h('p', {}, wait > 0 ? `Too many attempts. Try again in ${wait} s.`
      : 'Too many attempts. Try again in a little while.')];
  }
  const message = error instanceof ApiError ? error.message : 'Something went wrong while saving the check.';
  const detail = error instanceof ApiError && error.detail ? sentence(error.detail) : '';
  return [h('p', {}, 'The check was not saved. ', message),
    detail ? h('p', {class: 'error-detail'}, detail, error.where ? ` (at ${error.where})` : '') : null];
}

// Returns the panel for `result` of `answers` (the body sent to POST /api/v1/triage).
//   user: the signed-in person (user-api.mjs fetch_me), or null when signed out
export function render_save_panel(result, answers, user) {
  if (!user) {
    return h('section', {class: 'notice save-check', id: 'save-check', 'aria-labelledby': 'save-title'},
      h('h2', {id: 'save-title'}, 'Keep this check'),
      h('p', {id: 'save-signed-out'}, h('a', {href: kSignInHref}, 'Sign in'),
        ' to save this check to your record and attach it to an appointment request. Your result stays ' +
        'on this page.'));
  }
  const button = h('button', {type: 'button', class: 'button', id: 'save-button',
                              'aria-describedby': 'save-who save-error'}, 'Save this check to my record');
  const done = h('p', {class: 'save-done', id: 'save-done', role: 'status', 'aria-live': 'polite'});
  const error = h('div', {class: 'save-error', id: 'save-error', role: 'alert', hidden: true});
  const next = h('div', {class: 'save-next-area', id: 'save-next-area', hidden: true},
    h('h3', {class: 'save-next-title', id: 'save-next-title', tabindex: '-1'}, 'What next'), next_steps(result));

  const show_saved = () => {
    button.disabled = true;
    button.textContent = 'Saved to your record';
    next.hidden = false;
  };
  if (remembered(user, answers) !== null) {
    show_saved();
    done.textContent = 'This check is saved to your record.';
  }

  let saving = false;
  button.addEventListener('click', async () => {
    if (saving || button.disabled) return;
    saving = true;
    // Not `disabled` while saving, which would take the keyboard focus away from the button.
    button.setAttribute('aria-disabled', 'true');
    error.hidden = true;
    error.replaceChildren();
    done.textContent = 'Saving…';
    try {
      const saved = await save_answers(answers);
      remember(user, answers, saved.id);
      show_saved();
      done.textContent = 'Saved. This check is now in your record.';
      // The button is disabled now: the keyboard goes on from the next steps.
      next.querySelector('#save-next-title').focus();
    } catch (caught) {
      console.error(caught);
      done.textContent = '';
      error.replaceChildren(...error_children(caught).filter(Boolean));
      error.hidden = false;
    } finally {
      saving = false;
      button.removeAttribute('aria-disabled');
    }
  });

  return h('section', {class: 'notice save-check', id: 'save-check', 'aria-labelledby': 'save-title'},
    h('h2', {id: 'save-title'}, 'Keep this check'),
    h('p', {id: 'save-who', class: 'save-who'}, 'Only you can see your saved checks; the clinic sees one only if ' +
      'you share your saved checks with them or attach it to an appointment request.'),
    h('p', {class: 'save-actions'}, button),
    error,
    done,
    next);
}
