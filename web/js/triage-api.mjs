// Reads the triage questions from the HipCoach JSON API and sends the answers.

import {ApiError} from './api.mjs';

const kDispositions = ['urgent', 'soon', 'self_care'];

async function problem_of(response) {
  const type = response.headers.get('Content-Type') ?? '';
  if (!type.includes('json')) return {};
  try {
    return await response.json();
  } catch {
    return {};
  }
}

// Fetches `path` and returns its JSON body. Throws ApiError when the server cannot be reached,
// answers with an error (application/problem+json: type, title, status, detail, where) or
// sends something that is not JSON; `what` names the thing asked for in those messages.
async function request_json(path, what, options = {}) {
  let response;
  try {
    response = await fetch(path, {...options, headers: {Accept: 'application/json', ...options.headers}});
  } catch (error) {
    if (error?.name === 'AbortError') throw error;
    throw new ApiError('The HipCoach server could not be reached. Check your connection and try again.');
  }
  if (!response.ok) {
    const problem = await problem_of(response);
    const title = problem.title || response.statusText || 'error';
    throw new ApiError(`The server answered ${response.status} (${title}).`, {
      status: response.status,
      detail: typeof problem.detail === 'string' ? problem.detail : '',
      where: typeof problem.where === 'string' ? problem.where : '',
    });
  }
  try {
    return await response.json();
  } catch {
    throw new ApiError(`The server sent ${what} that is not valid JSON.`, {status: response.status});
  }
}

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
