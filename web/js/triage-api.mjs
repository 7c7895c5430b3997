// Reads the triage questions from the HipCoach JSON API and sends the answers.

import {ApiError, request_json, send_json} from './api.mjs';

const kDispositions = ['urgent', 'soon', 'self_care'];

// Returns the questions in the order to ask them: [{id, prompt, help, type, ...}].
export async function fetch_questions({signal} = {}) {
  const body = await request_json('api/v1/triage/questions', 'questions', {signal});
  const questions = body?.questions;
  if (!Array.isArray(questions) || questions.length === 0 ||
      !questions.every((q) => typeof q?.id === 'string' && typeof q?.prompt === 'string')) {
    throw new ApiError('The server sent no questions, or questions without an id or a prompt.');
  }
  return questions;
}

// Saves the answers to the signed-in person's record (POST /api/v1/me/triage), which evaluates
// them as POST /api/v1/triage does; returns {id, created_at, answers, result}. A 401 means the
// person is not signed in (any more).
export async function save_answers(answers) {
  const saved = await send_json('api/v1/me/triage', 'a saved check', {method: 'POST', body: answers});
  if (!Number.isInteger(saved?.id)) throw new ApiError('The server saved the check but sent no id for it.');
  return saved;
}

// Sends the answers (POST /api/v1/triage) and returns the result:
// {disposition, article_applies, reasons, groups, cautions, advice, sources}.
export async function post_answers(answers, {signal} = {}) {
  const result = await request_json('api/v1/triage', 'a result', {
    method: 'POST',
    headers: {'Content-Type': 'application/json'},
    body: JSON.stringify(answers),
    signal,
  });
  if (!kDispositions.includes(result?.disposition)) {
    throw new ApiError('The server sent a result without a level of care.');
  }
  for (const list of ['reasons', 'groups', 'cautions', 'advice', 'sources']) {
    if (!Array.isArray(result[list])) result[list] = [];
  }
  result.article_applies = result.article_applies !== false;
  return result;
}
