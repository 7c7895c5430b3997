// The account, diary, questionnaire and progress calls of the HipCoach JSON API (docs/api.md).
// The session is the HttpOnly cookie the server sets; these functions never see the token.
// Every function throws ApiError (api.mjs) when the server cannot be reached or answers with
// an error; a 401 means "not signed in".

import {ApiError, send_json} from './api.mjs';

// Returns the account of the session {id, email, role, created_at, two_factor,
// two_factor_required, two_factor_setup_required}, even half-way through sign-in (the code of
// two-step sign-in still due, or staff who must set it up), or null when nobody is signed in.
export async function fetch_account({signal} = {}) {
  try {
    return await send_json('api/v1/me', 'an account', {signal});
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

// Returns the signed-in user {id, email, role, created_at, two_factor}, or null when nobody is
// fully signed in: a session half-way through two-step sign-in counts as signed out, so that
// the page sends the visitor to the account page, which finishes it.
export async function fetch_me({signal} = {}) {
  const account = await fetch_account({signal});
  if (!account || account.two_factor_required || account.two_factor_setup_required) return null;
  return account;
}

// Creates an account and signs in; returns the user.
export async function sign_up(email, password) {
  const answer = await send_json('api/v1/accounts', 'an account', {method: 'POST', body: {email, password}});
  return answer?.user ?? null;
}

// Signs in; returns the user with two_factor_required (the code is due: verify_second_factor)
// and two_factor_setup_required (staff: set up two-step sign-in first).
export async function sign_in(email, password) {
  const answer = await send_json('api/v1/sessions', 'a session', {method: 'POST', body: {email, password}});
  if (!answer?.user) return null;
  return {...answer.user, two_factor_required: answer.two_factor_required === true,
          two_factor_setup_required: answer.two_factor_setup_required === true};
}

// The second step of sign-in: a 6-digit code or a recovery code. Returns the account with
// recovery_codes_left.
export async function verify_second_factor(code) {
  return send_json('api/v1/sessions/two-factor', 'an account', {method: 'POST', body: {code}});
}

// Returns {enabled, pending, recovery_codes_left}.
export async function fetch_two_factor() {
  return send_json('api/v1/me/two-factor', 'the two-step sign-in state');
}

// Starts setting up two-step sign-in; returns {secret, otpauth_uri, qr_svg}.
export async function start_two_factor(password) {
  return send_json('api/v1/me/two-factor', 'a secret', {method: 'POST', body: {password}});
}

// Turns it on with a code of the new secret; returns {two_factor, recovery_codes}.
export async function confirm_two_factor(code) {
  return send_json('api/v1/me/two-factor/confirm', 'recovery codes', {method: 'POST', body: {code}});
}

// Replaces the recovery codes; returns {recovery_codes}.
export async function regenerate_recovery_codes(code) {
  return send_json('api/v1/me/two-factor/recovery-codes', 'recovery codes', {method: 'POST', body: {code}});
}

// Turns two-step sign-in off (patients only).
export async function turn_off_two_factor(password, code) {
  await send_json('api/v1/me/two-factor', 'nothing', {method: 'DELETE', body: {password, code}});
}

export async function sign_out() {
  await send_json('api/v1/sessions/current', 'nothing', {method: 'DELETE'});
}

export async function change_password(current_password, new_password) {
  await send_json('api/v1/me/password', 'nothing', {method: 'PUT', body: {current_password, new_password}});
}

export async function delete_account() {
  await send_json('api/v1/me', 'nothing', {method: 'DELETE'});
}

// Returns {entries: [...newest first], next: cursor or null}.
export async function fetch_diary({before = null, limit = 20, signal} = {}) {
  const query = new URLSearchParams({limit: String(limit)});
  if (before !== null && before !== undefined) query.set('before', String(before));
  const page = await send_json(`api/v1/diary?${query}`, 'diary entries', {signal});
  if (!Array.isArray(page?.entries)) throw new ApiError('The server sent a diary page without entries.');
  return {entries: page.entries, next: page.next ?? null};
}

// Saves {pain, context, side, region, note?, at?}; returns the stored entry with its id.
export async function add_diary_entry(entry) {
  return send_json('api/v1/diary', 'a diary entry', {method: 'POST', body: entry});
}

export async function delete_diary_entry(id) {
  await send_json(`api/v1/diary/${encodeURIComponent(id)}`, 'nothing', {method: 'DELETE'});
}

// Returns {questionnaires: [...], sources: [...]}.
export async function fetch_questionnaires({signal} = {}) {
  const body = await send_json('api/v1/questionnaires', 'questionnaires', {signal});
  if (!Array.isArray(body?.questionnaires)) throw new ApiError('The server sent no list of questionnaires.');
  return {questionnaires: body.questionnaires, sources: Array.isArray(body.sources) ? body.sources : []};
}

// Sends the answers; returns {id, questionnaire_id, at, score: {value, min, max, direction, answered}}.
export async function submit_response(questionnaire_id, answers) {
  return send_json(`api/v1/questionnaires/${encodeURIComponent(questionnaire_id)}/responses`, 'a score',
                   {method: 'POST', body: {answers}});
}

// Returns the progress report for the last `weeks` weeks (see docs/api.md).
export async function fetch_progress({weeks = 4, signal} = {}) {
  const body = await send_json(`api/v1/progress?weeks=${encodeURIComponent(weeks)}`, 'a progress report',
                               {signal});
  if (!Array.isArray(body?.measures)) throw new ApiError('The server sent a progress report without measures.');
  return body;
}
