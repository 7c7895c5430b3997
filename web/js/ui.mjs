// What the account, diary, questionnaire and progress pages share: errors shown at the field
// the server names, the sign-in redirect, local times and the page-level error box.

import {ApiError} from './api.mjs';
import {h} from './dom.mjs';

// The pages that may send a signed-out visitor to account.html and get them back afterwards,
// with what the account page tells the visitor. Only these names are followed, so the
// `next` parameter cannot send anyone off the site.
export const kReturnPages = {
  diary: {href: 'diary.html', message: 'Sign in, or create an account, to use your pain diary.'},
  progress: {href: 'progress.html', message: 'Sign in, or create an account, to see your progress.'},
  questionnaire: {href: 'questionnaire.html', message: 'Sign in, or create an account, to answer a questionnaire.'},
  coach: {href: 'coach.html', message: 'Sign in, or create an account, to use the guided session.'},
  appointments: {href: 'appointments.html', message: 'Sign in, or create an account, to ask for an appointment.'},
  triage: {href: 'triage.html', message: 'Sign in, or create an account, to save your check to your record.'},
};

// Sends a signed-out visitor to the account page, which says why and returns them to `page`
// (a key of kReturnPages) after signing in.
export function go_to_sign_in(page) {
  window.location.replace(`account.html?next=${encodeURIComponent(page)}`);
}

// Returns `text` with its first letter in capitals, for server details such as
// "must be at least 10 characters".
export function sentence(text) {
  const trimmed = String(text ?? '').trim();
  if (trimmed === '') return '';
  const capital = trimmed[0].toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

const kDateTime = new Intl.DateTimeFormat(undefined, {
  weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: 'numeric', minute: '2-digit',
});
const kDate = new Intl.DateTimeFormat(undefined, {day: 'numeric', month: 'short', year: 'numeric'});
const kShortDate = new Intl.DateTimeFormat(undefined, {day: 'numeric', month: 'short'});

// Returns an RFC 3339 time in the reader's local time, e.g. "Wed, 25 Nov 2026, 08:30", or the
// text as given when it is not a time.
export function local_date_time(at) {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? String(at) : kDateTime.format(date);
}

export function local_date(at) {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? String(at) : kDate.format(date);
}

export function short_date(at) {
  const date = at instanceof Date ? at : new Date(at);
  return Number.isNaN(date.getTime()) ? String(at) : kShortDate.format(date);
}

// Returns a <time> element showing `at` in local time.
export function time_element(at, format = local_date_time) {
  return h('time', {datetime: at}, format(at));
}

// Returns a number with at most `digits` decimals, without trailing zeros: 6.5, 7, 1.33.
export function format_number(value, digits = 1) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '–';
  const factor = 10 ** digits;
  return String(Math.round(value * factor) / factor);
}

// The error messages of one form: each field (an input, or a fieldset of choices) has a
// <p class="field-error" id="FIELD-error"> named in its aria-describedby; the form has one box
// for errors that belong to no field.
export class FormErrors {
  // `fields` maps a JSON Pointer of the request body ("/password") to its input element.
  constructor(form, {fields = {}, box}) {
    this.form_ = form;
    this.fields_ = fields;
    this.box_ = box;
  }

  clear() {
    for (const input of Object.values(this.fields_)) {
      input.removeAttribute('aria-invalid');
      const message = document.getElementById(`${input.id}-error`);
      if (message) {
        message.hidden = true;
        message.replaceChildren();
      }
    }
    if (this.box_) {
      this.box_.hidden = true;
      this.box_.replaceChildren();
    }
  }

  // Shows `text` under the field of `where`; returns false when no field has that pointer.
  show_at(where, text) {
    const input = this.fields_[where];
    const message = input && document.getElementById(`${input.id}-error`);
    if (!message) return false;
    input.setAttribute('aria-invalid', 'true');
    message.replaceChildren(h('span', {class: 'visually-hidden'}, 'Error: '), sentence(text));
    message.hidden = false;
    // A group of choices (a fieldset) takes the focus on its checked or first choice.
    const target = input.matches('fieldset')
      ? input.querySelector('input:checked') ?? input.querySelector('input, select, textarea') : input;
    target?.focus();
    return true;
  }

  // Shows `children` in the form's box, as an alert.
  show_box(...children) {
    if (!this.box_) return;
    this.box_.replaceChildren(...children.filter(Boolean));
    this.box_.hidden = false;
  }

  // Shows an error from the API: at the field named by `where` when there is one, else in the
  // box, with the server's detail. A 429 says when to try again.
  show_error(error) {
    if (error instanceof ApiError && error.status === 429) {
      const wait = error.retry_after_seconds;
      this.show_box(h('p', {}, wait > 0 ? `Too many attempts. Try again in ${wait} s.`
                                         : 'Too many attempts. Try again in a little while.'));
      return;
    }
    if (error instanceof ApiError && error.detail && this.show_at(error.where, error.detail)) return;
    // The server's detail is written for people; the status line only stands in when there is none.
    const detail = error instanceof ApiError && error.detail ? sentence(error.detail) : '';
    const message = error instanceof ApiError ? error.message : 'Something went wrong on this page.';
    this.show_box(h('p', {}, detail || message));
  }
}

// Fills the page's error box (role="alert") for an error while loading, with a Try again button.
export function show_load_error(box, title, error, on_retry) {
  const detail = error instanceof ApiError && error.detail
    ? [sentence(error.detail), error.where ? `(at ${error.where})` : ''].filter(Boolean).join(' ') : '';
  const message = error instanceof ApiError ? error.message : 'Something went wrong on this page.';
  const retry = h('button', {type: 'button', class: 'button'}, 'Try again');
  retry.addEventListener('click', on_retry);
  box.replaceChildren(...[
    h('h2', {}, title),
    h('p', {}, message),
    detail ? h('p', {class: 'error-detail'}, detail) : null,
    h('p', {}, 'If your hip pain is severe or getting worse, do not wait for this page: contact your clinician.'),
    h('p', {}, retry)].filter(Boolean));
  box.hidden = false;
}

// Sets the page's status line (role="status"); `loading` shows the spinner.
export function set_status(element, text, {loading = false} = {}) {
  element.textContent = text;
  element.classList.toggle('loading', loading);
}

// The diary's remembered choices (side, context, region; never a pain value or a note), kept
// in localStorage under this key. Signing out and deleting the account forget them.
export const kDiaryPreferencesKey = 'hipcoach.diary.choices';
// A guided session under way (coach-store.mjs), kept so that it survives a reload.
export const kCoachSessionKey = 'hipcoach.coach.session';

export function forget_preferences() {
  try {
    window.localStorage.removeItem(kDiaryPreferencesKey);
    window.localStorage.removeItem(kCoachSessionKey);
  } catch {
    // Storage can be switched off; then there is nothing to forget.
  }
}
