// The staff portal's appointment requests: the queue (GET /api/v1/appointments, the most urgent
// first, then the oldest), one request opened (GET /api/v1/appointments/{id}: the reason, the
// attached check with its advice, the attached summary with its PDF, and notes when the answer
// has them), and the answer to it (PATCH /api/v1/appointments/{id}: propose a time, confirm,
// decline, with a message for the patient). A 409 (a time that overlaps another confirmed
// appointment, or a change the status no longer allows) is shown above the buttons and the
// request is read again.

import {ApiError} from './api.mjs';
import {add_appointment_note, change_appointment, fetch_appointment, fetch_appointments, kDispositionText,
        kStatusText, kUrgencyText, rfc3339, type_name} from './appointment-api.mjs';
import {load_clinic} from './clinic.mjs';
import {h} from './dom.mjs';
import {FormErrors, format_number, local_date, local_date_time, sentence, time_element} from './ui.mjs';

const kOpen = ['requested', 'proposed'];
// What the queue holds for each value of its filter: "2 open requests", "No declined requests".
const kQueueWords = {
  '': 'open', requested: 'unanswered', proposed: 'proposed', confirmed: 'confirmed', declined: 'declined',
  cancelled: 'cancelled',
};
const kVerdicts = {
  meaningfully_better: 'meaningfully better',
  no_meaningful_change: 'no meaningful change',
  meaningfully_worse: 'meaningfully worse',
  insufficient_data: 'not enough entries yet to judge change',
};
const kStopKinds = {red_flag: 'a red flag at the re-check', hold: 'ended a hold', session: 'ended the session'};

const $ = (id) => document.getElementById(id);
const elements = {
  queue_title: $('queue-title'),
  queue_form: $('queue-form'),
  queue_status: $('queue-status'),
  queue_count: $('queue-count'),
  queue_error: $('queue-error'),
  queue_list: $('queue-list'),
  detail: $('request-detail'),
  title: $('request-title'),
  meta: $('request-meta'),
  load_error: $('request-load-error'),
  body: $('request-body'),
  form: $('action-form'),
  start: $('action-start'),
  minutes: $('action-minutes'),
  message: $('action-message'),
  propose: $('action-propose'),
  confirm: $('action-confirm'),
  decline: $('action-decline'),
  done: $('action-done'),
};

const action_errors = new FormErrors(elements.form, {
  fields: {'/start': elements.start, '/minutes': elements.minutes, '/message': elements.message},
  box: $('action-error'),
});

let clinic = null;
let shown = null;  // The request opened, as the server last answered it.
let busy = false;

const kRelative = new Intl.RelativeTimeFormat(undefined, {numeric: 'auto'});

// "3 hours ago", "yesterday", "5 days ago".
function age_text(at) {
  const time = new Date(at).getTime();
  if (!Number.isFinite(time)) return '';
  const minutes = Math.round((Date.now() - time) / 60000);
  if (minutes < 60) return kRelative.format(-Math.max(minutes, 0), 'minute');
  const hours = Math.round(minutes / 60);
  if (hours < 48) return kRelative.format(-hours, 'hour');
  return kRelative.format(-Math.round(hours / 24), 'day');
}

function urgency_badge(urgency) {
  const known = kUrgencyText[urgency] ? urgency : 'none';
  return h('span', {class: `urgency urgency-${known.replace('_', '-')}`}, kUrgencyText[known]);
}

function status_badge(status) {
  const known = kStatusText[status] ? status : 'requested';
  return h('span', {class: `request-status request-status-${known}`},
    known === 'requested' ? 'Waiting for an answer' : kStatusText[known]);
}

// The patient as the staff can name them: the account's email (sent with one request), else the
// account's number (the queue).
function patient_text(appointment) {
  const email = appointment.patient_email ?? appointment.summary?.email;
  return typeof email === 'string' && email ? email : `Patient ${appointment.patient_id}`;
}

// The value for <input type="datetime-local"> of an RFC 3339 time, in local time.
function local_input_value(at) {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (value) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:` +
    `${pad(date.getMinutes())}`;
}

function queue_item(appointment, index) {
  const urgency = kUrgencyText[appointment.urgency] ? appointment.urgency : 'none';
  const title_id = `queue-${appointment.id}-title`;
  const open = h('button', {type: 'button', class: 'button button-secondary', 'aria-describedby': title_id},
    'Open request');
  open.addEventListener('click', () => open_request(appointment.id));
  const when = [appointment.preferred ? `Suits: ${appointment.preferred}.` : 'No preferred times given.',
                appointment.earliest ? ` Not before ${local_date(appointment.earliest)}.` : ''].join('');
  return h('li', {class: `queue-item queue-${urgency.replace('_', '-')}`, id: `queue-${appointment.id}`,
                  'data-position': String(index + 1)},
    h('p', {class: 'queue-head'}, urgency_badge(urgency), ' ',
      h('strong', {id: title_id}, `${type_name(clinic, appointment.type)}, ${patient_text(appointment)}`)),
    h('p', {}, status_badge(appointment.status), ' ',
      h('span', {class: 'muted'}, 'Received ', time_element(appointment.created_at), ` (${age_text(appointment.created_at)}).`)),
    h('p', {}, when),
    appointment.start ? h('p', {}, appointment.status === 'confirmed' ? 'Confirmed for ' : 'Proposed: ',
      h('strong', {}, time_element(appointment.start)), appointment.minutes ? `, ${appointment.minutes} minutes.` : '.')
      : null,
    h('p', {class: 'form-actions'}, open));
}

// Loads the queue as the filter says, and says how many requests it holds; never throws.
export async function load_queue() {
  elements.queue_error.hidden = true;
  elements.queue_count.textContent = 'Loading the requests…';
  try {
    clinic ??= await load_clinic();
    const status = elements.queue_status.value;
    const appointments = await fetch_appointments({status});
    const what = kQueueWords[status] ?? status;
    elements.queue_list.replaceChildren(...(appointments.length ? appointments.map(queue_item)
      : [h('li', {class: 'queue-none', id: 'queue-none'}, `No ${what} requests.`)]));
    const count = appointments.length;
    elements.queue_count.textContent = count === 0 ? ''
      : `${count} ${what} ${count === 1 ? 'request' : 'requests'}, the most urgent first, then the oldest.`;
  } catch (error) {
    elements.queue_count.textContent = '';
    const detail = error instanceof ApiError && error.detail ? ` ${sentence(error.detail)}` : '';
    elements.queue_error.replaceChildren(h('p', {}, `The requests could not be loaded. ${error.message}${detail}`));
    elements.queue_error.hidden = false;
  }
}

function detail_row(term, ...value) {
  return h('div', {}, h('dt', {}, term), h('dd', {}, ...value));
}

function statements_text(statements) {
  return (Array.isArray(statements) ? statements : []).map((statement) => statement?.text).filter(Boolean);
}

// The attached check (triage): its level of care, why, the cautions and the advice given.
function triage_section(triage) {
  const result = triage?.result ?? {};
  const disposition = result.disposition;
  const reasons = (Array.isArray(result.reasons) ? result.reasons : []).map((reason) => reason?.text).filter(Boolean);
  const cautions = Array.isArray(result.cautions) ? result.cautions : [];
  const advice = Array.isArray(result.advice) ? result.advice : [];
  const groups = (Array.isArray(result.groups) ? result.groups : []).map((group) => group?.name).filter(Boolean);
  return h('section', {id: 'request-triage', class: `attached attached-${String(disposition ?? 'none').replace('_', '-')}`,
                       'aria-labelledby': 'request-triage-title'},
    h('h3', {id: 'request-triage-title'}, 'Attached check (triage)'),
    h('p', {}, 'Saved on ', time_element(triage.created_at), ': ',
      h('strong', {}, kDispositionText[disposition] ?? 'unknown level of care'), '.'),
    reasons.length ? [h('h4', {}, 'Why'), h('ul', {}, reasons.map((text) => h('li', {}, text)))] : null,
    groups.length ? h('p', {}, `Muscle groups to start with: ${groups.join(', ')}.`) : null,
    cautions.length ? [h('h4', {}, 'Cautions'), h('ul', {}, cautions.map((caution) => h('li', {}, caution?.text ?? '',
      caution?.instead ? ` Instead: ${caution.instead}` : '')))] : null,
    advice.length ? [h('h4', {}, 'Advice the patient was given'), h('ul', {}, advice.map((item) => h('li', {},
      h('strong', {}, item?.title ?? ''), statements_text(item?.statements).map((text) => [h('br'), text]))))]
      : null);
}

function measure_item(measure) {
  const latest = typeof measure?.latest === 'number'
    ? `latest ${format_number(measure.latest)} on ${local_date(measure.latest_at)}; ` : '';
  return h('li', {}, h('strong', {}, measure?.name ?? measure?.id ?? ''), `: ${latest}`,
    `since the first entry ${kVerdicts[measure?.verdict] ?? measure?.verdict ?? 'not judged'}.`,
    measure?.recent ? [h('br'), measure.recent] : null);
}

// The attached summary, as GET /api/v1/me/summary shapes it, with only the parts it holds, and
// the link to the same summary as a PDF.
function summary_section(summary, appointment_id) {
  const measures = Array.isArray(summary?.measures) ? summary.measures : [];
  const triage = summary?.triage;
  const sessions = summary?.sessions;
  const stops = Array.isArray(sessions?.stops) ? sessions.stops : [];
  const flags = Array.isArray(triage?.red_flags) ? triage.red_flags : [];
  return h('section', {id: 'request-summary', class: 'attached', 'aria-labelledby': 'request-summary-title'},
    h('h3', {id: 'request-summary-title'}, 'Attached summary'),
    summary?.generated_at ? h('p', {class: 'muted'}, 'Made on ', time_element(summary.generated_at), '.') : null,
    triage ? [h('h4', {}, 'Latest check'),
      h('p', {}, `${local_date(triage.at)}: `, h('strong', {}, kDispositionText[triage.disposition] ?? triage.disposition)),
      h('p', {}, flags.length ? h('strong', {}, `Red flags answered yes: ${flags.join('; ')}.`)
        : 'Red flags answered yes: none.')] : null,
    h('h4', {}, 'Pain and questionnaires'),
    measures.length ? h('ul', {}, measures.map(measure_item)) : h('p', {}, 'No pain ratings or questionnaire scores.'),
    sessions ? [h('h4', {}, 'Guided sessions'),
      h('p', {}, sessions.count ? `${sessions.count} ${sessions.count === 1 ? 'session' : 'sessions'}; the last on ` +
        `${local_date(sessions.last_at)}.` : 'No guided sessions yet.'),
      stops.length ? h('ul', {}, stops.map((stop) => h('li', {},
        `${local_date(stop.at)}: ${stop.label ?? stop.id} (${kStopKinds[stop.kind] ?? stop.kind})`))) : null]
      : null,
    h('p', {class: 'muted'}, 'Made by HipCoach from the patient\'s own records; not a diagnosis.'),
    h('p', {}, h('a', {id: 'request-summary-pdf', class: 'button button-secondary',
                       href: `api/v1/appointments/${encodeURIComponent(appointment_id)}/summary.pdf`,
                       download: `hipcoach-summary-request-${appointment_id}.pdf`}, 'Download the summary (PDF)')));
}

function note_item(note) {
  const by = note?.author?.email;
  const at = note?.created_at;
  return h('li', {}, h('p', {class: 'detail-text'}, note?.text ?? ''),
    by || at ? h('p', {class: 'muted'}, by ?? '', by && at ? ', ' : '', at ? time_element(at) : '') : null);
}

// The staff's notes on the request (never shown to the patient), oldest first, and the form that
// adds one (POST /api/v1/appointments/{id}/notes).
function notes_section(notes, appointment_id) {
  const list = h('ul', {id: 'note-list', class: 'notes-list'},
    notes.length ? notes.map(note_item) : h('li', {class: 'muted', id: 'notes-none'}, 'No notes yet.'));
  const text = h('textarea', {id: 'note-text', name: 'text', rows: '2', 'aria-describedby': 'note-text-hint note-text-error'});
  const submit = h('button', {type: 'submit', class: 'button button-secondary', id: 'note-submit'}, 'Add the note');
  const done = h('p', {id: 'note-done', class: 'done-message', role: 'status'});
  const box = h('div', {id: 'note-error', class: 'form-error', role: 'alert', hidden: true});
  const form = h('form', {id: 'note-form', class: 'app-form', novalidate: true},
    box,
    h('div', {class: 'field'},
      h('label', {for: 'note-text'}, 'Add a note'),
      h('p', {id: 'note-text-hint', class: 'field-hint'}, 'For the clinic\'s staff only: a call made, what was ' +
        'agreed. The patient sees that a note was written, never what it says. Notes cannot be changed.'),
      text,
      h('p', {id: 'note-text-error', class: 'field-error', hidden: true})),
    h('p', {class: 'form-actions'}, submit),
    done);
  const errors = new FormErrors(form, {fields: {'/text': text}, box});
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.clear();
    done.textContent = '';
    if (text.value.trim() === '') {
      errors.show_at('/text', 'write the note first');
      return;
    }
    submit.disabled = true;
    try {
      const note = await add_appointment_note(appointment_id, text.value.trim());
      list.querySelector('#notes-none')?.remove();
      list.append(note_item(note));
      text.value = '';
      done.textContent = 'Note added.';
    } catch (error) {
      errors.show_error(error);
    } finally {
      submit.disabled = false;
    }
  });
  return h('section', {id: 'request-notes', 'aria-labelledby': 'request-notes-title'},
    h('h3', {id: 'request-notes-title'}, 'Staff notes'), list, form);
}

function render_detail(appointment) {
  const status = appointment.status;
  elements.title.textContent = `Request: ${type_name(clinic, appointment.type)}, ${patient_text(appointment)}`;
  elements.meta.replaceChildren('Received ', time_element(appointment.created_at),
    ` (${age_text(appointment.created_at)}); last changed `, time_element(appointment.updated_at), '.');
  const time_row = appointment.start
    ? detail_row(status === 'confirmed' ? 'Confirmed time' : 'Proposed time', time_element(appointment.start),
      appointment.minutes ? `, ${appointment.minutes} minutes` : '')
    : null;
  const parts = [
    h('dl', {class: 'detail-list'},
      detail_row('Status', status_badge(status)),
      detail_row('Urgency', urgency_badge(appointment.urgency)),
      detail_row('Reason', h('span', {class: 'detail-text', id: 'request-reason'}, appointment.reason ?? '')),
      detail_row('Suits the patient', appointment.preferred || 'No preferred times given.'),
      appointment.earliest ? detail_row('Not before', time_element(appointment.earliest, local_date)) : null,
      time_row,
      appointment.message ? detail_row('Your message', h('span', {class: 'detail-text'}, appointment.message)) : null),
  ];
  if (appointment.triage) parts.push(triage_section(appointment.triage));
  else if (appointment.triage_id) parts.push(h('p', {class: 'muted'}, 'The attached check is no longer there.'));
  else parts.push(h('p', {class: 'muted'}, 'No check (triage) attached.'));
  if (appointment.summary && typeof appointment.summary === 'object') {
    parts.push(summary_section(appointment.summary, appointment.id));
  } else if (appointment.attach_summary) {
    parts.push(h('p', {class: 'muted'}, 'The patient lets the clinic see their summary with this request.'));
  }
  if (Array.isArray(appointment.notes)) parts.push(notes_section(appointment.notes, appointment.id));
  elements.body.replaceChildren(...parts.flat());

  const open = kOpen.includes(status);
  elements.form.hidden = !open;
  if (!open) return;
  elements.propose.hidden = false;
  elements.confirm.textContent = appointment.start ? 'Confirm' : 'Confirm this time';
  const type_minutes = clinic?.appointment_types?.find((type) => type.id === appointment.type)?.minutes;
  elements.minutes.value = String(appointment.minutes ?? type_minutes ?? '');
}

function reset_action_form() {
  action_errors.clear();
  elements.start.value = '';
  elements.message.value = '';
  elements.start.min = local_input_value(new Date().toISOString());
}

export async function open_request(id) {
  elements.done.textContent = '';
  elements.load_error.hidden = true;
  elements.detail.hidden = false;
  elements.title.textContent = 'Appointment request';
  elements.meta.textContent = '';
  elements.form.hidden = true;
  elements.body.replaceChildren(h('p', {class: 'status loading', role: 'status'}, 'Loading the request…'));
  elements.title.focus();
  try {
    clinic ??= await load_clinic();
    shown = await fetch_appointment(id);
    reset_action_form();
    render_detail(shown);
  } catch (error) {
    shown = null;
    elements.body.replaceChildren();
    const detail = error instanceof ApiError && error.detail ? ` ${sentence(error.detail)}` : '';
    elements.load_error.replaceChildren(h('p', {}, `The request could not be loaded. ${error.message}${detail}`));
    elements.load_error.hidden = false;
  }
}

// Returns the body of the PATCH for `action`, or null after showing what is missing.
function action_body(action) {
  const body = {action};
  if (elements.start.value) {
    const start = new Date(elements.start.value);
    if (Number.isNaN(start.getTime())) {
      action_errors.show_at('/start', 'choose a date and a time');
      return null;
    }
    body.start = rfc3339(start);
  } else if (action === 'propose' || (action === 'confirm' && !shown.start)) {
    action_errors.show_at('/start', `choose the date and time to ${action}`);
    return null;
  }
  if (action !== 'decline' && elements.minutes.value !== '') {
    const minutes = Number(elements.minutes.value);
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 480) {
      action_errors.show_at('/minutes', 'give a whole number of minutes from 1 to 480');
      return null;
    }
    body.minutes = minutes;
  }
  const message = elements.message.value.trim();
  if (message) body.message = message;
  return body;
}

function done_text(appointment) {
  const when = appointment.start ? local_date_time(appointment.start) : '';
  if (appointment.status === 'proposed') return `Proposed ${when}. The patient is told.`;
  if (appointment.status === 'confirmed') return `Confirmed for ${when}. The patient is told.`;
  if (appointment.status === 'declined') return 'Declined. The patient is told.';
  return `Now ${kStatusText[appointment.status] ?? appointment.status}.`;
}

elements.form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!shown || busy) return;
  const action = event.submitter?.value ?? 'propose';
  action_errors.clear();
  elements.done.textContent = '';
  const body = action_body(action);
  if (!body) return;
  busy = true;
  for (const button of [elements.propose, elements.confirm, elements.decline]) button.disabled = true;
  try {
    const changed = await change_appointment(shown.id, body);
    shown = await fetch_appointment(shown.id).catch(() => changed);
    reset_action_form();
    render_detail(shown);
    elements.done.textContent = done_text(changed);
    elements.title.focus();
    load_queue();
  } catch (error) {
    if (error instanceof ApiError && error.status === 409) {
      action_errors.show_box(h('p', {}, h('strong', {}, `Not ${action === 'confirm' ? 'confirmed' : 'saved'}.`), ' ',
        sentence(error.detail || 'the request has changed meanwhile')),
        h('p', {}, 'Choose another time, or look at the request as it now is.'));
      $('action-error').focus();
      // The request may have moved on meanwhile (another clinician, the patient cancelled).
      fetch_appointment(shown.id).then((fresh) => {
        shown = fresh;
        render_detail(fresh);
      }, () => {});
      load_queue();
    } else {
      action_errors.show_error(error);
      if (!(error instanceof ApiError && error.where && ['/start', '/minutes', '/message'].includes(error.where))) {
        $('action-error').focus();
      }
    }
  } finally {
    busy = false;
    for (const button of [elements.propose, elements.confirm, elements.decline]) button.disabled = false;
  }
});

elements.queue_form.addEventListener('submit', (event) => {
  event.preventDefault();
  load_queue();
});
elements.queue_status.addEventListener('change', () => load_queue());
elements.start.addEventListener('input', () => action_errors.clear());
