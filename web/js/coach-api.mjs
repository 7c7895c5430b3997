// The guided session's calls of the HipCoach JSON API: the plan, the saved triage results and
// the session log. Every function throws ApiError (api.mjs) when the server cannot be reached or
// answers with an error; a 401 means "not signed in".

import {ApiError, send_json} from './api.mjs';

// Returns the plan (core/include/hipcoach/core/session_codec.h) for
//   {triage: id}                                   a saved triage result, or
//   {groups: [...], side, pain_limit?, cautions?}  the person's own choice.
export async function fetch_plan(request, {signal} = {}) {
  const query = new URLSearchParams();
  if (request.triage !== undefined) {
    query.set('triage', String(request.triage));
  } else {
    query.set('groups', request.groups.join(','));
    query.set('side', request.side);
    if (request.cautions?.length) query.set('cautions', request.cautions.join(','));
  }
  if (request.pain_limit !== undefined && request.pain_limit !== null) query.set('pain_limit', String(request.pain_limit));
  const plan = await send_json(`api/v1/session-plan?${query}`, 'a session plan', {signal});
  if (!Array.isArray(plan?.steps) || plan.steps.length === 0 || !Array.isArray(plan.stop_rules)) {
    throw new ApiError('The server sent a session plan without steps or stop rules.');
  }
  plan.recheck ??= {intro: null, questions: []};
  plan.recheck.questions ??= [];
  for (const list of ['cautions', 'before', 'sources', 'sides', 'groups']) {
    if (!Array.isArray(plan[list])) plan[list] = [];
  }
  plan.body_map ??= {views: [], landmarks: [], areas: []};
  return plan;
}

// Returns the saved triage results, newest first: [{id, created_at, answers, result}].
export async function fetch_saved_triage({signal} = {}) {
  const body = await send_json('api/v1/me/triage', 'saved checks', {signal});
  return Array.isArray(body?.triage) ? body.triage : [];
}

// Returns the muscle groups, [{id, name}], in the protocol's order.
export async function fetch_groups({signal} = {}) {
  const protocol = await send_json('api/v1/protocol', 'a protocol', {signal});
  if (!Array.isArray(protocol?.groups)) throw new ApiError('The server sent a protocol without groups.');
  return protocol.groups.map((group) => ({id: group.id, name: group.name}));
}

// Records a session: {started_at, ended_at, pain_before, pain_after?, triage_id?, record}.
// Returns what the server kept.
export async function post_session(body) {
  return send_json('api/v1/sessions-log', 'a session', {method: 'POST', body});
}

// Returns the caller's sessions, newest first: [{id, started_at, ended_at, pain_before, pain_after, ...}].
export async function fetch_sessions({signal} = {}) {
  const body = await send_json('api/v1/sessions-log', 'sessions', {signal});
  const list = Array.isArray(body) ? body : body?.sessions ?? body?.items ?? body?.entries;
  if (!Array.isArray(list)) throw new ApiError('The server sent no list of sessions.');
  return [...list].sort((a, b) => Date.parse(b.started_at) - Date.parse(a.started_at));
}

function two(value) {
  return String(value).padStart(2, '0');
}

// Returns `ms` (milliseconds since the Unix epoch) as an RFC 3339 time with the local offset and
// whole seconds, e.g. "2026-11-29T11:42:17-06:00".
export function rfc3339_local(ms) {
  const date = new Date(ms);
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const zone = `${sign}${two(Math.floor(Math.abs(offset) / 60))}:${two(Math.abs(offset) % 60)}`;
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}` +
    `T${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}${zone}`;
}
