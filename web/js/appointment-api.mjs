// The appointment-request calls of the HipCoach JSON API (docs/api.md, "Appointment requests"),
// and the words the patient's page and the staff portal both use for a request's status and
// urgency. Every function throws ApiError (api.mjs) when the server cannot be reached or answers
// with an error; a 401 means "not signed in", a 403 "not staff", a 409 a change the request's
// status does not allow or a time that overlaps another confirmed appointment.

import {ApiError, send_json} from './api.mjs';

// A request's status, as people read it.
export const kStatusText = {
  requested: 'Sent, waiting for the clinic',
  proposed: 'Time proposed',
  confirmed: 'Confirmed',
  declined: 'Declined',
  cancelled: 'Cancelled',
};

// The urgency the attached check (triage) gave, as people read it.
export const kUrgencyText = {
  urgent: 'Urgent',
  soon: 'Soon',
  self_care: 'Self-care',
  none: 'No check attached',
};

// The level of care of a triage result, as the staff read it.
export const kDispositionText = {
  urgent: 'Urgent: see a clinician today',
  soon: 'See a clinician soon (within days)',
  self_care: 'Self-care is a reasonable start',
};

// Returns the name of the appointment type `id` from the clinic's settings, or the id.
export function type_name(clinic, id) {
  const types = Array.isArray(clinic?.appointment_types) ? clinic.appointment_types : [];
  return types.find((type) => type.id === id)?.name ?? String(id ?? '');
}

// Returns an RFC 3339 time in UTC without fractions ("2026-12-02T15:00:00Z"), as the API takes.
export function rfc3339(date) {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function appointments_of(body) {
  if (!Array.isArray(body?.appointments)) throw new ApiError('The server sent no list of appointment requests.');
  return body.appointments;
}

// A patient: their own requests, newest first. Staff: the queue, open requests (or those in
// `status`), the most urgent first, then the oldest.
export async function fetch_appointments({status = '', signal} = {}) {
  const query = status ? `?status=${encodeURIComponent(status)}` : '';
  return appointments_of(await send_json(`api/v1/appointments${query}`, 'appointment requests', {signal}));
}

// One request, with `triage` (and, where the server sends them, `summary` and `notes`).
export async function fetch_appointment(id, {signal} = {}) {
  return send_json(`api/v1/appointments/${encodeURIComponent(id)}`, 'an appointment request', {signal});
}

// Sends {type, reason, preferred?, earliest?, triage_id?, attach_summary?}; returns the new request.
export async function request_appointment(body) {
  return send_json('api/v1/appointments', 'an appointment request', {method: 'POST', body});
}

// Staff: {action: 'propose' | 'confirm' | 'decline', start?, minutes?, message?}; returns the
// request as it now is.
export async function change_appointment(id, body) {
  return send_json(`api/v1/appointments/${encodeURIComponent(id)}`, 'an appointment request',
                   {method: 'PATCH', body});
}

// Staff: adds a note to the request (never shown to the patient); returns
// {id, author: {email, role}, text, created_at}.
export async function add_appointment_note(id, text) {
  return send_json(`api/v1/appointments/${encodeURIComponent(id)}/notes`, 'a note', {method: 'POST', body: {text}});
}

// The patient cancels their own request.
export async function cancel_appointment(id) {
  await send_json(`api/v1/appointments/${encodeURIComponent(id)}`, 'nothing', {method: 'DELETE'});
}

// The address of a confirmed appointment's calendar file.
export function ical_href(id) {
  return `api/v1/appointments/${encodeURIComponent(id)}/ical`;
}

// The notifications waiting for the caller, oldest first; the server marks them delivered, so
// each is answered once: [{id, kind, subject, body, created_at}].
export async function fetch_notifications({signal} = {}) {
  const body = await send_json('api/v1/me/notifications', 'notifications', {signal});
  return Array.isArray(body?.notifications) ? body.notifications : [];
}

// The caller's saved checks (triage), newest first: [{id, created_at, answers, result}].
export async function fetch_saved_triage({signal} = {}) {
  const body = await send_json('api/v1/me/triage', 'saved checks', {signal});
  return Array.isArray(body?.triage) ? body.triage : [];
}
