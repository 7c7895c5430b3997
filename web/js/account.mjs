// The account page: sign in or create an account; when signed in, who you are, sign out,
// two-step sign-in (two-step.mjs), change the password, reminders (reminders.mjs), download your
// data and delete the account. With ?next=diary (progress, questionnaire) it says why the
// visitor was sent here and goes back there after signing in.
//
// Sign-in has up to two steps: the password, then (when the account has two-step sign-in on)
// the code from the authenticator app or a recovery code. Staff without two-step sign-in see
// only the section that sets it up until it is on. main[data-stage] says where the page is:
// signed-out, needs-code, needs-setup or signed-in.

import {ApiError} from './api.mjs';
import {h} from './dom.mjs';
import {show_reminders} from './reminders.mjs';
import {hide_portal_link, show_portal_link} from './staff-nav.mjs';
import {FormErrors, forget_preferences, kReturnPages, local_date, set_status, show_load_error} from './ui.mjs';
import {show_two_step, wire_two_step} from './two-step.mjs';
import {change_password, delete_account, fetch_account, sign_in, sign_out, sign_up,
        verify_second_factor} from './user-api.mjs';

const kMinimumPasswordLength = 10;

const $ = (id) => document.getElementById(id);
const elements = {
  main: $('main'),
  status: $('status'),
  load_error: $('load-error'),
  notice: $('notice'),
  signed_out: $('signed-out'),
  code_step: $('code-step'),
  signed_in: $('signed-in'),
};

// The panels a staff account without two-step sign-in may see: everything else needs a full
// sign-in.
const kSetupPanels = new Set(['two-step']);
let setting_up = false;

const next_page = kReturnPages[new URLSearchParams(window.location.search).get('next')] ?? null;

function show_notice(text) {
  elements.notice.replaceChildren(h('p', {}, text));
}

function hide_notice() {
  elements.notice.replaceChildren();
}

function show_signed_out() {
  hide_portal_link();
  setting_up = false;
  elements.signed_in.hidden = true;
  elements.code_step.hidden = true;
  elements.signed_out.hidden = false;
  elements.main.dataset.stage = 'signed-out';
  document.title = 'Sign in · HipCoach';
}

// The second step of sign-in: the code from the authenticator app.
function show_code_step() {
  hide_portal_link();
  elements.signed_in.hidden = true;
  elements.signed_out.hidden = true;
  elements.code_step.hidden = false;
  elements.main.dataset.stage = 'needs-code';
  document.title = 'Two-step sign-in · HipCoach';
  $('sign-in-code').value = '';
  $('code-title').focus();
}

// Signed in. With `setup`, a staff account without two-step sign-in: only that section shows.
function show_signed_in(user, {setup = false} = {}) {
  setting_up = setup;
  $('me-email').textContent = user.email;
  $('delete-email').textContent = user.email;
  $('me-since').textContent = user.created_at ? `Your account was created on ${local_date(user.created_at)}.` : '';
  close_delete_confirmation({focus: false});
  for (const panel of elements.signed_in.querySelectorAll(':scope > section.panel')) {
    panel.hidden = setup && !kSetupPanels.has(panel.id) && !panel.contains($('who-title'));
  }
  document.querySelector('.quick-links').hidden = setup;
  elements.signed_out.hidden = true;
  elements.code_step.hidden = true;
  elements.signed_in.hidden = false;
  elements.main.dataset.stage = setup ? 'needs-setup' : 'signed-in';
  document.title = setup ? 'Set up two-step sign-in · HipCoach' : 'Your account · HipCoach';
  show_two_step(user);
  if (setup) {
    hide_portal_link();
    return;
  }
  show_reminders({session_ended});
  show_portal_link(user);
}

// Disables `button` while `work` runs.
async function busy(button, work) {
  button.disabled = true;
  try {
    return await work();
  } finally {
    button.disabled = false;
  }
}

// Keeps `button` disabled for the seconds a 429 asked to wait.
function hold_after_429(button, error) {
  if (!(error instanceof ApiError) || error.status !== 429) return;
  const seconds = Math.max(1, error.retry_after_seconds || 0);
  button.disabled = true;
  window.setTimeout(() => { button.disabled = false; }, seconds * 1000);
}

// Checks what the browser can check before asking the server: returns false after showing
// the first problem at its field.
function check_fields(errors, checks) {
  for (const [where, problem] of checks) {
    if (problem) {
      errors.show_at(where, problem);
      return false;
    }
  }
  return true;
}

function email_problem(value) {
  return value.trim() === '' ? 'Enter your email address.' : '';
}

function after_sign_in(user) {
  if (user?.two_factor_required) {
    show_code_step();
    return;
  }
  if (user?.two_factor_setup_required) {
    show_signed_in(user, {setup: true});
    show_notice('Your password is right. Staff accounts need two-step sign-in: set it up below to continue.');
    $('two-step-title').focus();
    return;
  }
  if (next_page) {
    window.location.assign(next_page.href);
    return;
  }
  show_signed_in(user);
  show_notice('You are signed in.');
  $('who-title').setAttribute('tabindex', '-1');
  $('who-title').focus();
}

function wire_code_step() {
  const form = $('code-form');
  const code = $('sign-in-code');
  const submit = $('code-submit');
  const errors = new FormErrors(form, {fields: {'/code': code}, box: $('code-error')});
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.clear();
    hide_notice();
    if (code.value.trim() === '') {
      errors.show_at('/code', 'Enter the 6-digit code from your authenticator app, or a recovery code.');
      return;
    }
    try {
      const account = await busy(submit, () => verify_second_factor(code.value));
      code.value = '';
      after_sign_in(account);
      const left = account?.recovery_codes_left;
      if (!next_page && typeof left === 'number' && left < 10) {
        show_notice(`You are signed in. You have ${left} unused recovery code${left === 1 ? '' : 's'} left` +
                    (left < 3 ? ': make new ones in Two-step sign-in below.' : '.'));
      }
    } catch (error) {
      if (error instanceof ApiError && error.status === 401 && !error.where) {
        session_ended();
        return;
      }
      errors.show_error(error);
      hold_after_429(submit, error);
    }
  });
  $('code-cancel').addEventListener('click', async () => {
    try {
      await sign_out();
    } catch {
      // Signed out already, or the server is gone: either way the page forgets the session.
    }
    show_signed_out();
    show_notice('You are signed out.');
    $('sign-in-email').focus();
  });
}

// Two-step sign-in is on: a staff account that was setting it up is now fully signed in.
async function after_two_step_enabled() {
  if (!setting_up) return;
  const account = await fetch_account().catch(() => null);
  if (!account) {
    session_ended();
    return;
  }
  if (next_page) {
    window.location.assign(next_page.href);
    return;
  }
  show_signed_in(account);
  show_notice('Two-step sign-in is on. You are signed in.');
  $('two-step-title').focus();
}

function wire_account_form({form_id, prefix, submit_id, action, password_rule}) {
  const form = $(form_id);
  const email = $(`${prefix}-email`);
  const password = $(`${prefix}-password`);
  const submit = $(submit_id);
  const errors = new FormErrors(form, {fields: {'/email': email, '/password': password}, box: $(`${prefix}-error`)});
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.clear();
    hide_notice();
    const ok = check_fields(errors, [
      ['/email', email_problem(email.value)],
      ['/password', password.value === '' ? 'Enter your password.'
        : password_rule && password.value.length < kMinimumPasswordLength
          ? `Use at least ${kMinimumPasswordLength} characters.` : ''],
    ]);
    if (!ok) return;
    try {
      const user = await busy(submit, () => action(email.value.trim(), password.value));
      password.value = '';
      after_sign_in(user ?? await fetch_account());
    } catch (error) {
      errors.show_error(error);
      hold_after_429(submit, error);
    }
  });
}

function wire_sign_out() {
  const button = $('sign-out');
  button.addEventListener('click', async () => {
    try {
      await busy(button, () => sign_out());
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) {
        show_notice(`You could not be signed out: ${error.message}`);
        return;
      }
    }
    forget_preferences();
    show_signed_out();
    show_notice('You are signed out.');
    $('sign-in-email').focus();
  });
}

// A 401 while signed in means the session ended (expired, or signed out elsewhere).
function session_ended() {
  show_signed_out();
  show_notice('Your session has ended. Please sign in again.');
  $('sign-in-email').focus();
}

function wire_password_form() {
  const form = $('password-form');
  const current = $('current-password');
  const fresh = $('new-password');
  const submit = $('password-submit');
  const done = $('password-done');
  const errors = new FormErrors(form, {fields: {'/current_password': current, '/new_password': fresh},
                                       box: $('password-error')});
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.clear();
    done.textContent = '';
    const ok = check_fields(errors, [
      ['/current_password', current.value === '' ? 'Enter your current password.' : ''],
      ['/new_password', fresh.value.length < kMinimumPasswordLength
        ? `Use at least ${kMinimumPasswordLength} characters.` : ''],
    ]);
    if (!ok) return;
    try {
      await busy(submit, () => change_password(current.value, fresh.value));
      current.value = '';
      fresh.value = '';
      done.textContent = 'Your password is changed. Your other devices are signed out.';
    } catch (error) {
      if (error instanceof ApiError && error.status === 401 && !error.where && !(await fetch_account().catch(() => null))) {
        session_ended();
        return;
      }
      errors.show_error(error);
      hold_after_429(submit, error);
    }
  });
}

function close_delete_confirmation({focus}) {
  $('delete-confirm').hidden = true;
  $('delete-start').setAttribute('aria-expanded', 'false');
  $('delete-error').hidden = true;
  if (focus) $('delete-start').focus();
}

function wire_delete() {
  const start = $('delete-start');
  const confirm = $('delete-confirm-button');
  const errors = new FormErrors(null, {box: $('delete-error')});
  start.addEventListener('click', () => {
    $('delete-confirm').hidden = false;
    start.setAttribute('aria-expanded', 'true');
    $('delete-confirm-title').focus();
  });
  $('delete-cancel').addEventListener('click', () => close_delete_confirmation({focus: true}));
  confirm.addEventListener('click', async () => {
    errors.clear();
    try {
      await busy(confirm, () => delete_account());
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        session_ended();
        return;
      }
      errors.show_error(error);
      return;
    }
    forget_preferences();
    show_signed_out();
    show_notice('Your account and all its data have been deleted.');
    $('page-title').focus();
  });
}

async function load() {
  elements.load_error.hidden = true;
  set_status(elements.status, 'Checking whether you are signed in…', {loading: true});
  let user;
  try {
    user = await fetch_account();
  } catch (error) {
    set_status(elements.status, '');
    show_load_error(elements.load_error, 'Your account could not be loaded', error, () => load());
    return;
  }
  set_status(elements.status, '');
  if (user?.two_factor_required) {
    show_code_step();
    return;
  }
  if (user?.two_factor_setup_required) {
    show_signed_in(user, {setup: true});
    show_notice('Staff accounts need two-step sign-in: set it up below to continue.');
    return;
  }
  if (user && next_page) {
    window.location.replace(next_page.href);
    return;
  }
  if (user) {
    show_signed_in(user);
  } else {
    show_signed_out();
    if (next_page) show_notice(next_page.message);
  }
}

wire_account_form({form_id: 'sign-in-form', prefix: 'sign-in', submit_id: 'sign-in-submit', action: sign_in,
                   password_rule: false});
wire_account_form({form_id: 'sign-up-form', prefix: 'sign-up', submit_id: 'sign-up-submit', action: sign_up,
                   password_rule: true});
wire_sign_out();
wire_code_step();
wire_two_step({on_enabled: after_two_step_enabled, session_ended});
wire_password_form();
wire_delete();
load();
