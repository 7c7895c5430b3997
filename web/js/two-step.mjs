// The "Two-step sign-in" section of the account page: set it up (password, then the QR code and
// the setup key, then a code from the app), the recovery codes shown once with copy and
// download and an "I have saved them" step, new recovery codes, and turning it off (patients;
// staff need it). No secret or code is ever written to the console or kept after it is shown.

import {ApiError} from './api.mjs';
import {h} from './dom.mjs';
import {FormErrors} from './ui.mjs';
import {confirm_two_factor, fetch_two_factor, regenerate_recovery_codes, start_two_factor,
        turn_off_two_factor} from './user-api.mjs';

const $ = (id) => document.getElementById(id);

let callbacks = {on_enabled: () => {}, session_ended: () => {}};
let current_user = null;
let download_url = null;

function is_staff(user) {
  return user?.role === 'clinician' || user?.role === 'admin';
}

// Groups a base32 key in fours, as authenticator apps show it: ABCD EFGH ...
function grouped(secret) {
  return String(secret).match(/.{1,4}/g)?.join(' ') ?? '';
}

async function busy(button, work) {
  button.disabled = true;
  try {
    return await work();
  } finally {
    button.disabled = false;
  }
}

function hold_after_429(button, error) {
  if (!(error instanceof ApiError) || error.status !== 429) return;
  button.disabled = true;
  window.setTimeout(() => { button.disabled = false; }, Math.max(1, error.retry_after_seconds || 0) * 1000);
}

// A 401 without a place means the session ended; everything else is shown on the form.
function failed(errors, button, error) {
  if (error instanceof ApiError && error.status === 401 && !error.where) {
    callbacks.session_ended();
    return;
  }
  errors.show_error(error);
  hold_after_429(button, error);
}

function show_part(name) {
  for (const id of ['two-step-off', 'two-step-setup', 'recovery-codes', 'two-step-on']) {
    $(id).hidden = id !== name;
  }
}

function focus(id) {
  $(id).focus();
}

function render_state(state) {
  const staff = is_staff(current_user);
  $('two-step-required').hidden = state.enabled || !staff;
  if (state.enabled) {
    const left = state.recovery_codes_left;
    $('two-step-state').textContent = `Two-step sign-in is on. You have ${left} unused recovery ` +
      `code${left === 1 ? '' : 's'}.`;
    $('two-step-off-part').hidden = staff;
    $('two-step-staff-note').hidden = !staff;
    show_part('two-step-on');
  } else {
    $('two-step-state').textContent = 'Two-step sign-in is off.';
    show_part('two-step-off');
  }
}

// Loads and shows the section for `user`.
export async function show_two_step(user) {
  current_user = user;
  try {
    render_state(await fetch_two_factor());
  } catch (error) {
    if (error instanceof ApiError && error.status === 401 && !error.where) {
      callbacks.session_ended();
      return;
    }
    $('two-step-state').textContent = `Two-step sign-in could not be loaded: ${error.message}`;
  }
}

function show_recovery_codes(codes) {
  $('recovery-list').replaceChildren(...codes.map((code) => h('li', {}, code)));
  if (download_url) URL.revokeObjectURL(download_url);
  const text = `HipCoach recovery codes for ${current_user?.email ?? 'your account'}\n` +
    'Each code signs you in once instead of the code from your authenticator app.\n\n' +
    `${codes.join('\n')}\n`;
  download_url = URL.createObjectURL(new Blob([text], {type: 'text/plain'}));
  $('recovery-download').href = download_url;
  $('recovery-copied').textContent = '';
  $('recovery-saved').checked = false;
  $('recovery-done').disabled = true;
  show_part('recovery-codes');
  focus('recovery-title');
}

function forget_recovery_codes() {
  $('recovery-list').replaceChildren();
  if (download_url) URL.revokeObjectURL(download_url);
  download_url = null;
  $('recovery-download').href = '#recovery-codes';
}

function wire_start() {
  const form = $('two-step-start-form');
  const password = $('two-step-password');
  const submit = $('two-step-start');
  const errors = new FormErrors(form, {fields: {'/password': password}, box: $('two-step-start-error')});
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.clear();
    if (password.value === '') {
      errors.show_at('/password', 'Enter your password.');
      return;
    }
    try {
      const setup = await busy(submit, () => start_two_factor(password.value));
      password.value = '';
      // The QR code is this server's own SVG (qr_svg.cc): dark modules as one path, with
      // role="img" and a label.
      const svg = new DOMParser().parseFromString(setup.qr_svg, 'image/svg+xml').documentElement;
      $('two-step-qr').replaceChildren(document.importNode(svg, true));
      $('two-step-secret').textContent = grouped(setup.secret);
      $('two-step-code').value = '';
      show_part('two-step-setup');
      focus('two-step-scan-title');
    } catch (error) {
      failed(errors, submit, error);
    }
  });
}

function wire_confirm() {
  const form = $('two-step-confirm-form');
  const code = $('two-step-code');
  const submit = $('two-step-confirm');
  const errors = new FormErrors(form, {fields: {'/code': code}, box: $('two-step-confirm-error')});
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.clear();
    if (!/^\s*\d{3}\s?\d{3}\s*$/.test(code.value)) {
      errors.show_at('/code', 'Enter the 6 digits your authenticator app shows for HipCoach.');
      return;
    }
    try {
      const answer = await busy(submit, () => confirm_two_factor(code.value));
      code.value = '';
      $('two-step-qr').replaceChildren();
      $('two-step-secret').textContent = '';
      $('two-step-required').hidden = true;
      $('two-step-state').textContent = 'Two-step sign-in is on. Save your recovery codes to finish.';
      show_recovery_codes(answer.recovery_codes ?? []);
    } catch (error) {
      failed(errors, submit, error);
    }
  });
}

function wire_recovery_codes() {
  const saved = $('recovery-saved');
  const done = $('recovery-done');
  saved.addEventListener('change', () => { done.disabled = !saved.checked; });
  $('recovery-copy').addEventListener('click', async () => {
    const codes = [...$('recovery-list').children].map((item) => item.textContent).join('\n');
    try {
      await navigator.clipboard.writeText(codes);
      $('recovery-copied').textContent = 'Copied.';
    } catch {
      $('recovery-copied').textContent = 'Copying did not work here: select the codes and copy them, or download them.';
    }
  });
  done.addEventListener('click', async () => {
    forget_recovery_codes();
    $('two-step-title').focus();
    await show_two_step(current_user);
    callbacks.on_enabled();
  });
}

function wire_regenerate() {
  const form = $('regenerate-form');
  const code = $('regenerate-code');
  const submit = $('regenerate-submit');
  const errors = new FormErrors(form, {fields: {'/code': code}, box: $('regenerate-error')});
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.clear();
    if (code.value.trim() === '') {
      errors.show_at('/code', 'Enter the code your authenticator app shows, or a recovery code.');
      return;
    }
    try {
      const answer = await busy(submit, () => regenerate_recovery_codes(code.value));
      code.value = '';
      show_recovery_codes(answer.recovery_codes ?? []);
    } catch (error) {
      failed(errors, submit, error);
    }
  });
}

function wire_turn_off() {
  const form = $('turn-off-form');
  const password = $('turn-off-password');
  const code = $('turn-off-code');
  const submit = $('turn-off-submit');
  const errors = new FormErrors(form, {fields: {'/password': password, '/code': code}, box: $('turn-off-error')});
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.clear();
    if (password.value === '') {
      errors.show_at('/password', 'Enter your password.');
      return;
    }
    if (code.value.trim() === '') {
      errors.show_at('/code', 'Enter the code your authenticator app shows, or a recovery code.');
      return;
    }
    try {
      await busy(submit, () => turn_off_two_factor(password.value, code.value));
      password.value = '';
      code.value = '';
      await show_two_step(current_user);
      $('two-step-title').focus();
    } catch (error) {
      failed(errors, submit, error);
    }
  });
}

// Wires the section's forms once. `on_enabled` runs after the recovery codes are saved;
// `session_ended` when the server says the session is gone.
export function wire_two_step({on_enabled, session_ended}) {
  callbacks = {on_enabled, session_ended};
  wire_start();
  wire_confirm();
  wire_recovery_codes();
  wire_regenerate();
  wire_turn_off();
}
