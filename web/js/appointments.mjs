// The patient's appointments page: ask the clinic for an appointment (POST /api/v1/appointments:
// the type from the clinic's settings, the reason, when suits them, "not before", and optionally
// their latest saved check and their summary), see their requests with the status and the
// clinic's message, download a confirmed one for their calendar (.ics), cancel one, and read the
// notifications waiting for them (GET /api/v1/me/notifications, which marks them delivered).

import {ApiError} from './api.mjs';
import {cancel_appointment, fetch_appointments, fetch_notifications, fetch_saved_triage, ical_href,
        kDispositionText, kStatusText, request_appointment, rfc3339, type_name} from './appointment-api.mjs';
import {clinic_call, fill_emergency_numbers, load_clinic, tel_href} from './clinic.mjs';
import {h} from './dom.mjs';
import {is_staff, show_portal_link} from './staff-nav.mjs';
import {FormErrors, local_date, local_date_time, sentence, set_status, show_load_error, time_element}
  from './ui.mjs';
import {fetch_me} from './user-api.mjs';

const kMaximumReasonBytes = 2000;
const kCancellable = ['requested', 'proposed', 'confirmed'];

const $ = (id) => document.getElementById(id);
const elements = {
  status: $('status'),
  load_error: $('load-error'),
  signed_out: $('signed-out'),
  no_requests: $('no-requests'),
  page: $('appointments'),
  notifications: $('notifications'),
  notification_list: $('notification-list'),
  form: $('request-form'),
  type: $('appointment-type'),
  reason: $('appointment-reason'),
  days: $('preferred-days'),
  times: $('preferred-times'),
  preferred_note: $('preferred-note'),
  earliest: $('appointment-earliest'),
  attach_triage: $('attach-triage'),
  attach_triage_hint: $('attach-triage-hint'),
  attach_summary: $('attach-summary'),
  submit: $('request-submit'),
  requests_title: $('requests-title'),
  requests_done: $('requests-done'),
  requests_error: $('requests-error'),
  list: $('request-list'),
};

const form_errors = new FormErrors(elements.form, {
  fields: {
    '/type': elements.type,
    '/reason': elements.reason,
    '/preferred': elements.preferred_note,
    '/earliest': elements.earliest,
    '/triage_id': elements.attach_triage,
    '/attach_summary': elements.attach_summary,
  },
  box: $('request-error'),
});

let clinic = null;
let latest_triage = null;

// Returns the local date `days` from today as YYYY-MM-DD, for <input type="date">.
function date_value(days = 0) {
  const day = new Date();
  day.setHours(12, 0, 0, 0);
  day.setDate(day.getDate() + days);
  const pad = (value) => String(value).padStart(2, '0');
  return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
}

// Returns the start of the local day `value` (YYYY-MM-DD) as RFC 3339, or, for today, the next
// minute (the API takes no time in the past); null when `value` is not a date.
function earliest_time(value) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const start = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 0, 0, 0, 0);
  if (Number.isNaN(start.getTime())) return null;
  if (value === date_value(0)) {
    const soon = new Date(Date.now() + 60 * 1000);
    soon.setSeconds(0, 0);
    return rfc3339(soon);
  }
  return rfc3339(start);
}

function checked_values(fieldset) {
  return [...fieldset.querySelectorAll('input:checked')].map((input) => input.value);
}

// "Mon, Wed; mornings, evenings; not on school holidays": what the person chose, as one line.
function preferred_text() {
  return [checked_values(elements.days).join(', '), checked_values(elements.times).join(', '),
          elements.preferred_note.value.trim()].filter(Boolean).join('; ');
}

function fill_types() {
  const types = Array.isArray(clinic?.appointment_types) ? clinic.appointment_types : [];
  elements.type.replaceChildren(...types.map((type) =>
    h('option', {value: type.id}, `${type.name} (${type.minutes} min)`)));
}

function fill_triage_choice() {
  if (!latest_triage) {
    elements.attach_triage.checked = false;
    elements.attach_triage.disabled = true;
    elements.attach_triage_hint.replaceChildren('No check is saved to your account, so the clinic cannot see how ' +
      'urgent this is: say in your reason if your pain is getting worse, or ',
      h('a', {href: 'triage.html'}, 'do a check and save it'), ' first.');
    return;
  }
  elements.attach_triage.disabled = false;
  const level = kDispositionText[latest_triage.result?.disposition] ?? 'a level of care';
  elements.attach_triage_hint.replaceChildren('Saved on ', time_element(latest_triage.created_at, local_date),
    `: ${level}. It tells the clinic how urgent your request is.`);
}

function reset_form() {
  elements.form.reset();
  if (elements.type.options.length > 0) elements.type.selectedIndex = 0;
  elements.earliest.min = date_value(0);
  elements.attach_triage.checked = Boolean(latest_triage);
}

function render_notifications(notifications) {
  elements.notifications.hidden = notifications.length === 0;
  elements.notification_list.replaceChildren(...notifications.map((note) => h('li', {class: 'notification'},
    h('p', {}, h('strong', {}, note.subject ?? '')),
    h('p', {}, note.body ?? ''),
    h('p', {class: 'muted'}, time_element(note.created_at)))));
}

// The sentence that says where the request stands.
function where_it_stands(appointment) {
  const when = appointment.start ? h('strong', {}, time_element(appointment.start)) : null;
  const length = appointment.minutes ? ` (${appointment.minutes} minutes)` : '';
  switch (appointment.status) {
    case 'proposed':
      return h('p', {class: 'request-time'}, 'The clinic proposes ', when, `${length}. They will confirm it; to `,
        'change it, call them.');
    case 'confirmed':
      return h('p', {class: 'request-time'}, 'Your appointment: ', when, `${length}.`);
    case 'declined':
      return h('p', {}, 'The clinic cannot offer this appointment.');
    case 'cancelled':
      return h('p', {}, 'You cancelled this request.');
    default:
      return h('p', {}, 'The clinic has not answered yet.');
  }
}

function request_item(appointment) {
  const status = kStatusText[appointment.status] ? appointment.status : 'requested';
  const title_id = `request-${appointment.id}-title`;
  const details = [];
  if (appointment.preferred) details.push(h('p', {}, `When suits you: ${appointment.preferred}.`));
  if (appointment.earliest) {
    details.push(h('p', {}, 'Not before ', time_element(appointment.earliest, local_date), '.'));
  }
  const sent_with = [appointment.triage_id ? 'your check' : '', appointment.attach_summary ? 'your summary' : '']
    .filter(Boolean);
  if (sent_with.length) details.push(h('p', {class: 'muted'}, `Sent with ${sent_with.join(' and ')}.`));
  const message = appointment.message
    ? h('div', {class: 'staff-message'}, h('p', {class: 'staff-message-title'}, 'Message from the clinic:'),
      h('p', {class: 'staff-message-text'}, appointment.message))
    : null;
  const actions = h('div', {class: 'request-actions'});
  if (status === 'confirmed') {
    actions.append(h('a', {class: 'button', href: ical_href(appointment.id),
                           download: `appointment-${appointment.id}.ics`, 'aria-describedby': title_id},
      'Add to your calendar (.ics)'));
  }
  if (kCancellable.includes(status)) actions.append(cancel_control(appointment, title_id));
  return h('li', {class: `request request-${status}`, id: `request-${appointment.id}`},
    h('h3', {id: title_id, class: 'request-title', tabindex: '-1'},
      h('span', {class: 'request-type'}, type_name(clinic, appointment.type)), ' ',
      h('span', {class: `request-status request-status-${status}`}, kStatusText[status])),
    h('p', {class: 'muted'}, 'Asked on ', time_element(appointment.created_at), '.'),
    where_it_stands(appointment),
    message,
    h('p', {class: 'request-reason'}, h('span', {class: 'muted'}, 'Your reason: '), appointment.reason ?? ''),
    details,
    actions.childElementCount ? actions : null);
}

// The Cancel button, which asks once more before cancelling.
function cancel_control(appointment, title_id) {
  const what = appointment.status === 'confirmed' ? 'appointment' : 'request';
  const start = h('button', {type: 'button', class: 'button button-danger-outline', 'aria-describedby': title_id},
    `Cancel this ${what}…`);
  const question = h('p', {class: 'confirm-question', tabindex: '-1'}, `Cancel this ${what}? The clinic is told.`);
  const yes = h('button', {type: 'button', class: 'button button-danger'}, `Yes, cancel it`);
  const keep = h('button', {type: 'button', class: 'button button-secondary'}, `Keep it`);
  const confirm = h('div', {class: 'request-confirm', hidden: true}, question,
    h('p', {class: 'confirm-buttons'}, yes, keep));
  start.addEventListener('click', () => {
    start.hidden = true;
    confirm.hidden = false;
    question.focus();
  });
  keep.addEventListener('click', () => {
    confirm.hidden = true;
    start.hidden = false;
    start.focus();
  });
  yes.addEventListener('click', () => cancel(appointment, yes));
  return h('div', {class: 'request-cancel'}, start, confirm);
}

function render_requests(appointments) {
  elements.list.replaceChildren(...(appointments.length ? appointments.map(request_item)
    : [h('li', {class: 'request-none', id: 'requests-none'}, 'You have not asked for an appointment yet.')]));
}

async function refresh_requests() {
  render_requests(await fetch_appointments());
}

function show_list_error(text, error) {
  const detail = error instanceof ApiError && error.detail ? sentence(error.detail) : error.message;
  elements.requests_error.replaceChildren(h('p', {}, `${text} ${detail}`));
  elements.requests_error.hidden = false;
}

async function cancel(appointment, button) {
  elements.requests_error.hidden = true;
  elements.requests_done.textContent = '';
  button.disabled = true;
  try {
    await cancel_appointment(appointment.id);
    await refresh_requests();
    elements.requests_done.textContent = `Your request for ${type_name(clinic, appointment.type)} is cancelled.`;
    ($(`request-${appointment.id}-title`) ?? elements.requests_title).focus();
  } catch (error) {
    button.disabled = false;
    show_list_error('The request could not be cancelled.', error);
    // The list may be out of date (the clinic declined it meanwhile): show it as it is now.
    refresh_requests().catch(() => {});
  }
}

elements.form.addEventListener('submit', async (event) => {
  event.preventDefault();
  form_errors.clear();
  elements.requests_done.textContent = '';
  const reason = elements.reason.value.trim();
  if (reason === '') {
    form_errors.show_at('/reason', 'say why you would like to be seen');
    return;
  }
  if (new TextEncoder().encode(reason).length > kMaximumReasonBytes) {
    form_errors.show_at('/reason', 'this is too long: please keep it under about 2000 letters');
    return;
  }
  const body = {type: elements.type.value, reason, attach_summary: elements.attach_summary.checked};
  const preferred = preferred_text();
  if (preferred) body.preferred = preferred;
  if (elements.earliest.value) {
    const earliest = earliest_time(elements.earliest.value);
    if (!earliest) {
      form_errors.show_at('/earliest', 'choose a day, or leave this empty');
      return;
    }
    body.earliest = earliest;
  }
  if (elements.attach_triage.checked && latest_triage) body.triage_id = latest_triage.id;
  elements.submit.disabled = true;
  try {
    const appointment = await request_appointment(body);
    reset_form();
    await refresh_requests();
    elements.requests_done.textContent = 'Your request is sent. The clinic’s answer will show here.';
    ($(`request-${appointment?.id}-title`) ?? elements.requests_title).focus();
  } catch (error) {
    form_errors.show_error(error);
  } finally {
    elements.submit.disabled = false;
  }
});

// From the check page's "Request an appointment with this check attached" (?attach=latest): the
// check just saved is the latest, so it is ticked, and the person starts at the reason.
function attach_from_check_page() {
  if (new URLSearchParams(window.location.search).get('attach') !== 'latest' || !latest_triage) return;
  elements.attach_triage.checked = true;
  elements.status.textContent = [elements.status.textContent,
    'Your latest saved check is attached. Say why you would like to be seen.'].filter(Boolean).join(' ');
  // Shown first (the page is revealed after this), then the reason takes the focus.
  requestAnimationFrame(() => {
    elements.reason.focus({preventScroll: true});
    $('request-title').closest('section').scrollIntoView({block: 'start'});
  });
}

async function load() {
  elements.load_error.hidden = true;
  set_status(elements.status, 'Loading your appointment requests…', {loading: true});
  try {
    const user = await fetch_me();
    if (!user) {
      set_status(elements.status, '');
      elements.signed_out.hidden = false;
      return;
    }
    show_portal_link(user);
    if (is_staff(user)) {
      // For staff the list of requests is the clinic's queue, which the portal shows.
      set_status(elements.status, '');
      $('staff-notice').hidden = false;
      return;
    }
    clinic = await load_clinic();
    if (!clinic || !Array.isArray(clinic.appointment_types) || clinic.appointment_types.length === 0) {
      set_status(elements.status, '');
      $('no-requests-call').replaceChildren(clinic_call());
      elements.no_requests.hidden = false;
      return;
    }
    const [appointments, saved, notifications] = await Promise.all([
      fetch_appointments(), fetch_saved_triage(), fetch_notifications()]);
    latest_triage = saved[0] ?? null;
    fill_types();
    fill_triage_choice();
    reset_form();
    render_requests(appointments);
    render_notifications(notifications);
    set_status(elements.status, notifications.length === 0 ? ''
      : `${notifications.length} new ${notifications.length === 1 ? 'message' : 'messages'} about your requests.`);
    attach_from_check_page();
  } catch (error) {
    set_status(elements.status, '');
    show_load_error(elements.load_error, 'Your appointment requests could not be loaded', error, () => load());
    return;
  }
  elements.page.hidden = false;
}

load_clinic().then((settings) => {
  if (settings) $('call-inline').replaceChildren(' on ', h('a', {class: 'clinic-phone', href: tel_href(settings)}, settings.phone));
});
fill_emergency_numbers();
load();
