// The consent, audit and staff-read calls of the HipCoach JSON API (docs/api.md, "Consent, staff
// reads and the audit log"). Every function throws ApiError (api.mjs) when the server cannot be
// reached or answers with an error; a 401 means "not signed in", a 403 "not staff".

import {ApiError, send_json} from './api.mjs';

// The parts of a record a patient can share, in the API's order, with their names for people.
export const kParts = [
  {id: 'diary', name: 'Pain diary'},
  {id: 'questionnaires', name: 'Questionnaires'},
  {id: 'triage', name: 'Saved checks (triage)'},
  {id: 'sessions', name: 'Guided sessions'},
];

// The names for people of what else an audit row names (its `what`).
const kOtherReads = [
  {id: 'patient_list', name: 'Your name in the list of patients who share'},
  {id: 'summary', name: 'Summary for your doctor'},
  {id: 'appointment_note', name: 'A note on your appointment request'},
  {id: 'outcomes', name: 'Counted in the clinic\'s outcome figures (no name shown)'},
];

// Returns the people's name of `part` ("diary" → "Pain diary"), or the id when unknown.
export function part_name(part) {
  return [...kParts, ...kOtherReads].find((known) => known.id === part)?.name ?? String(part);
}

// Returns the caller's consents, newest first: [{id, parts, created_at, until, revoked_at, status}].
export async function fetch_consents({signal} = {}) {
  const body = await send_json('api/v1/consents', 'a list of consents', {signal});
  if (!Array.isArray(body?.consents)) throw new ApiError('The server sent no list of consents.');
  return body.consents;
}

// Shares `parts` (ids of kParts) until `until` (RFC 3339); returns the new consent.
export async function grant_consent(parts, until) {
  return send_json('api/v1/consents', 'a consent', {method: 'POST', body: {parts, until}});
}

// Stops a consent now.
export async function revoke_consent(id) {
  await send_json(`api/v1/consents/${encodeURIComponent(id)}`, 'nothing', {method: 'DELETE'});
}

// Returns who read the caller's record, newest first: [{id, at, actor: {email, role}, action, what, why}].
export async function fetch_my_audit({signal} = {}) {
  const body = await send_json('api/v1/me/audit', 'an audit log', {signal});
  if (!Array.isArray(body?.audit)) throw new ApiError('The server sent no audit log.');
  return body.audit;
}

// Staff: the patients who share something now: [{id, email, parts, until}].
export async function fetch_patients({signal} = {}) {
  const body = await send_json('api/v1/patients', 'a list of patients', {signal});
  if (!Array.isArray(body?.patients)) throw new ApiError('The server sent no list of patients.');
  return body.patients;
}

// Staff: one shared part of a patient's record (diary, questionnaires, triage, sessions), read for
// `reason` (sent as ?reason=, written to the patient's audit log). The diary asks for up to
// 1000 entries. A 404 means the part is not shared (any more).
export async function fetch_patient_part(patient_id, part, reason, {signal} = {}) {
  const query = new URLSearchParams();
  if (part === 'diary') query.set('limit', '1000');
  if (reason) query.set('reason', reason);
  return send_json(`api/v1/patients/${encodeURIComponent(patient_id)}/${encodeURIComponent(part)}?${query}`,
                   `the ${part}`, {signal});
}
