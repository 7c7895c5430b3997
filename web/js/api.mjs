// Reads the protocol from the HipCoach JSON API; request_json serves every call.

// An error from the API or the network, with a message written for the reader of the page.
export class ApiError extends Error {
  constructor(message, {status = 0, detail = '', where = '', retry_after_seconds = 0} = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.detail = detail;
    this.where = where;
    // From Retry-After on a 429; 0 when the server gave none.
    this.retry_after_seconds = retry_after_seconds;
  }
}

async function problem_of(response) {
  const type = response.headers.get('Content-Type') ?? '';
  if (!type.includes('json')) return {};
  try {
    return await response.json();
  } catch {
    return {};
  }
}

function retry_after_of(response) {
  const seconds = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
  return Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
}

// Fetches and returns the response when it is a success. Throws ApiError when the server cannot
// be reached or answers with an error (application/problem+json: type, title, status, detail,
// where); on a 429 the error also carries retry_after_seconds from the Retry-After header.
async function fetch_ok(path, init) {
  let response;
  try {
    response = await fetch(path, init);
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
      retry_after_seconds: response.status === 429 ? retry_after_of(response) : 0,
    });
  }
  return response;
}

// Fetches `path` and returns its JSON body. Throws ApiError as fetch_ok does, and when the
// server sends something that is not JSON; `what` names the thing asked for in those messages.
export async function request_json(path, what, options = {}) {
  const response = await fetch_ok(
      path, {...options, headers: {Accept: 'application/json', ...options.headers}});
  try {
    return await response.json();
  } catch {
    throw new ApiError(`The server sent ${what} that is not valid JSON.`, {status: response.status});
  }
}

// Like request_json, for the account, diary and progress calls: sends `body` (when given) as
// JSON with `method`, resolves to the answer's JSON, or to null when the answer has no body
// (204). Throws ApiError as request_json does.
export async function send_json(path, what, {method = 'GET', body, signal} = {}) {
  const headers = {Accept: 'application/json'};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch_ok(path, {
    method, headers, signal, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return null;
  const text = await response.text();
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(`The server sent ${what} that is not valid JSON.`, {status: response.status});
  }
}

// Returns the whole protocol: {groups, guidance, body_map, sources}.
// Throws ApiError when the server cannot be reached, answers with an error
// (application/problem+json: type, title, status, detail, where) or sends something else.
export async function fetch_protocol({signal} = {}) {
  const protocol = await request_json('api/v1/protocol', 'a protocol', {signal});
  if (!Array.isArray(protocol?.groups) || !Array.isArray(protocol?.sources) ||
      typeof protocol?.body_map !== 'object' || protocol.body_map === null) {
    throw new ApiError('The server sent a protocol without groups, sources or body map.');
  }
  protocol.guidance ??= [];
  return protocol;
}
