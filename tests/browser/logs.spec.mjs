// The server's log, as an operator would read it: one JSON object per line with a request id,
// and none of what a patient typed or any secret. The test uses the JSON API the way the pages
// do (sign-up, a failed sign-in, diary, questionnaire, saved check, appointment request, calendar
// link, two-step set-up), then reads everything the server wrote to stderr.

import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';

import {start_server} from './server.mjs';

let server = null;
before(async () => {
  server = await start_server({database: true});
});
after(async () => {
  await server?.stop();
});

// A request to the server with a Bearer token; returns {status, headers, body}.
async function api(method, path, {token, body} = {}) {
  const headers = {Accept: 'application/json'};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(new URL(path, server.url), {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed = text;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    // Not JSON: keep the text.
  }
  return {status: response.status, headers: response.headers, body: parsed};
}

test('the log is JSON lines with request ids and holds no health data, password, email or token', async () => {
  const email = 'log.privacy.patient@example.org';
  const password = 'Correct-Horse-Log-7731';
  const wrong_password = 'Wrong-Password-Log-9917';
  const note = 'NOTE-sciatica-after-stairs-4471';
  const reason = 'REASON-limping-since-tuesday-8823';

  const signed_up = await api('POST', '/api/v1/accounts', {body: {email, password}});
  assert.equal(signed_up.status, 201);
  const token = signed_up.body.token;

  const failed = await api('POST', '/api/v1/sessions', {body: {email, password: wrong_password}});
  assert.equal(failed.status, 401);
  const unknown = await api('POST', '/api/v1/sessions', {body: {email: 'nobody.log@example.org', password}});
  assert.equal(unknown.status, 401);

  const entry = await api('POST', '/api/v1/diary', {
    token, body: {pain: 7, region: 'outer_hip', context: 'activity', side: 'left', note},
  });
  assert.equal(entry.status, 201);
  assert.equal((await api('GET', `/api/v1/diary/${entry.body.id}`, {token})).status, 200);
  // A request that fails on its body: the log says 400, not what was sent.
  assert.equal((await api('POST', '/api/v1/diary', {token, body: {pain: 11, note}})).status, 400);

  const clinic = await api('GET', '/api/v1/clinic', {token});
  assert.equal(clinic.status, 200);
  const type = clinic.body.appointment_types?.[0]?.id;
  assert.ok(type, 'the clinic offers an appointment type');
  const appointment = await api('POST', '/api/v1/appointments', {token, body: {type, reason}});
  assert.equal(appointment.status, 201);

  const feed = await api('POST', '/api/v1/me/reminders/feed', {token});
  assert.equal(feed.status, 201);
  const feed_key = new URL(feed.body.path, server.url).searchParams.get('key');
  assert.equal((await api('GET', feed.body.path)).status, 200);

  const two_factor = await api('POST', '/api/v1/me/two-factor', {token, body: {password}});
  assert.equal(two_factor.status, 201);

  assert.equal((await api('DELETE', '/api/v1/sessions/current', {token})).status, 204);
  await server.stop();
  const log = server.stderr();
  server = null;

  const lines = log.split('\n').filter((line) => line !== '');
  assert.ok(lines.length >= 12, `expected a line per request, got ${lines.length}`);
  const records = lines.map((line, i) => {
    try {
      return JSON.parse(line);
    } catch {
      assert.fail(`line ${i + 1} of the log is not JSON: ${line.slice(0, 200)}`);
    }
  });
  const access = records.filter((record) => record.event === 'access');
  assert.ok(access.length >= 12, `expected access lines, got ${access.length}`);
  for (const record of access) {
    assert.ok(typeof record.ts === 'string' && record.level, 'each line has ts and level');
    assert.ok(record.request_id !== undefined && record.request_id !== '', 'each access line has a request id');
    assert.ok(!record.path.includes('?'), `the query string is never logged: ${record.path}`);
  }
  assert.equal(new Set(access.map((record) => String(record.request_id))).size, access.length,
               'request ids are unique');
  assert.ok(access.some((record) => record.path === '/api/v1/diary' && record.status === 400),
            'the failed diary write is logged by its status');

  for (const [what, secret] of [['the email', email], ['the password', password],
                                ['the wrong password', wrong_password], ['the diary note', note],
                                ['the appointment reason', reason], ['the session token', token],
                                ['the calendar key', feed_key], ['the TOTP secret', two_factor.body.secret],
                                ['the unknown email', 'nobody.log@example.org']]) {
    assert.ok(!log.includes(secret), `the log holds ${what}`);
  }
  // The email's local part alone is not there either (no partial redaction).
  assert.ok(!log.includes('log.privacy.patient'), 'the log holds part of the email');
});
