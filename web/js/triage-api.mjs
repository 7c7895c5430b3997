// Reads the triage questions from the HipCoach JSON API and sends the answers.

import {ApiError, request_json} from './api.mjs';

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
