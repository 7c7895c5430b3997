// The staff portal: for a signed-in clinician or admin, the patients who share their record now
// (GET /api/v1/patients) and, for the one chosen, a summary of only the parts they share, each
// read from GET /api/v1/patients/{id}/<part> with the reason the staff member gives (?reason=,
// written to the patient's audit log). A patient is told, politely, that the page is for staff.
// The appointment requests (#request-queue, #request-detail) are portal-queue.mjs's.

import {ApiError} from './api.mjs';
import {fetch_patient_part, fetch_patients, kParts, part_name} from './consent-api.mjs';
import {h} from './dom.mjs';
import './outcomes.mjs';
import {load_queue} from './portal-queue.mjs';
import {render_diary, render_questionnaires, render_sessions, render_triage} from './portal-render.mjs';
import {is_staff, show_portal_link} from './staff-nav.mjs';
import {local_date, local_date_time, sentence, set_status, show_load_error} from './ui.mjs';
import {fetch_me, fetch_questionnaires} from './user-api.mjs';

const kDefaultReason = 'clinical care';
const kMaximumReasonBytes = 200;

const $ = (id) => document.getElementById(id);
const elements = {
  status: $('status'),
  load_error: $('load-error'),
  signed_out: $('signed-out'),
  not_staff: $('not-staff'),
  portal: $('portal'),
  reason: $('reason'),
  reason_error: $('reason-error'),
  patients: $('patients-content'),
  summary: $('summary'),
  summary_title: $('summary-title'),
  summary_meta: $('summary-meta'),
  summary_error: $('summary-error'),
  summary_parts: $('summary-parts'),
};

let questionnaires = null;
let shown_patient = null;

function parts_text(parts) {
  return (Array.isArray(parts) ? parts : []).map(part_name).join(', ');
}

function show_reason_error(text) {
  elements.reason.setAttribute('aria-invalid', 'true');
  elements.reason_error.replaceChildren(h('span', {class: 'visually-hidden'}, 'Error: '), sentence(text));
  elements.reason_error.hidden = false;
  elements.reason.focus();
}

function clear_reason_error() {
  elements.reason.removeAttribute('aria-invalid');
  elements.reason_error.hidden = true;
  elements.reason_error.replaceChildren();
}

// Returns the reason to send, or null after showing why it cannot be sent.
function reason() {
  const text = elements.reason.value.trim();
  if (text === '') return kDefaultReason;
  if (new TextEncoder().encode(text).length > kMaximumReasonBytes) {
    show_reason_error(`the reason can be at most ${kMaximumReasonBytes} bytes long`);
    return null;
  }
  if (/[\u0000-\u001f\u007f]/.test(text)) {
    show_reason_error('the reason cannot contain control characters');
    return null;
  }
  return text;
}

function render_patients(patients) {
  if (patients.length === 0) {
    elements.patients.replaceChildren(h('p', {id: 'patients-none'}, 'No patient shares their record with the ' +
      'clinic right now.'));
    return;
  }
  elements.patients.replaceChildren(h('ul', {id: 'patient-list', class: 'patient-list'}, patients.map((patient) => {
    const email_id = `patient-${patient.id}-email`;
    const open = h('button', {type: 'button', class: 'button button-secondary', 'aria-describedby': email_id},
      'Open summary');
    open.addEventListener('click', () => show_summary(patient));
    return h('li', {class: 'patient'},
      h('p', {class: 'patient-email'}, h('strong', {id: email_id, class: 'email'}, patient.email)),
      h('p', {class: 'muted'}, `Shares: ${parts_text(patient.parts)}. Until ${local_date(patient.until)}.`),
      h('p', {class: 'form-actions'}, open));
  })));
}

async function load_patients() {
  const patients = await fetch_patients();
  render_patients(patients);
  return patients;
}

// One section of the summary: the part's contents when shared, else a sentence saying it is not.
async function part_section(patient, part, why) {
  const title_id = `part-${part.id}-title`;
  const body = h('div', {class: 'part-body'});
  const section = h('section', {id: `part-${part.id}`, class: 'summary-part', 'aria-labelledby': title_id},
    h('h3', {id: title_id}, part.name), body);
  if (!patient.parts.includes(part.id)) {
    body.replaceChildren(h('p', {class: 'not-shared'}, 'Not shared by this patient.'));
    return section;
  }
  try {
    const answer = await fetch_patient_part(patient.id, part.id, why);
    if (part.id === 'diary') body.replaceChildren(...render_diary(answer));
    if (part.id === 'questionnaires') {
      questionnaires ??= (await fetch_questionnaires().catch(() => ({questionnaires: []}))).questionnaires;
      body.replaceChildren(...render_questionnaires(answer, questionnaires).flat());
    }
    if (part.id === 'triage') body.replaceChildren(...render_triage(answer));
    if (part.id === 'sessions') body.replaceChildren(...render_sessions(answer));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      body.replaceChildren(h('p', {class: 'not-shared'}, 'Not shared any more: the patient has stopped sharing ' +
        'this part, or their consent has ended.'));
    } else if (error instanceof ApiError && error.status === 400 && error.where === 'reason') {
      show_reason_error(error.detail || 'the reason cannot be used');
      body.replaceChildren(h('p', {}, 'Not read: the reason above needs a change.'));
    } else {
      const detail = error instanceof ApiError && error.detail ? ` ${sentence(error.detail)}` : '';
      body.replaceChildren(h('p', {class: 'part-error'}, `This part could not be loaded. ${error.message}${detail}`));
    }
  }
  return section;
}

async function show_summary(patient) {
  clear_reason_error();
  const why = reason();
  if (why === null) return;
  shown_patient = patient;
  elements.summary_error.hidden = true;
  elements.summary_title.textContent = `Summary: ${patient.email}`;
  elements.summary_meta.textContent = `Shares ${parts_text(patient.parts)} until ${local_date_time(patient.until)}.`;
  elements.summary_parts.replaceChildren(h('p', {class: 'status loading', role: 'status'}, 'Loading the summary…'));
  elements.summary.hidden = false;
  elements.summary_title.focus();
  const sections = await Promise.all(kParts.map((part) => part_section(patient, part, why)));
  if (shown_patient !== patient) return;
  elements.summary_parts.replaceChildren(...sections);
  // Charts measure their box once it is on the page.
  window.dispatchEvent(new Event('resize'));
}

async function load() {
  elements.load_error.hidden = true;
  set_status(elements.status, 'Checking who you are…', {loading: true});
  try {
    const user = await fetch_me();
    if (!user) {
      set_status(elements.status, '');
      elements.signed_out.hidden = false;
      return;
    }
    if (!is_staff(user)) {
      set_status(elements.status, '');
      elements.not_staff.hidden = false;
      return;
    }
    show_portal_link(user, {current: true});
    set_status(elements.status, 'Loading the requests and the patients who share…', {loading: true});
    await Promise.all([load_patients(), load_queue()]);
  } catch (error) {
    set_status(elements.status, '');
    show_load_error(elements.load_error, 'The portal could not be loaded', error, () => load());
    return;
  }
  set_status(elements.status, '');
  elements.portal.hidden = false;
}

$('reason-form').addEventListener('submit', (event) => event.preventDefault());
elements.reason.addEventListener('input', clear_reason_error);
load();
