// Browser tests of appointment requests: the patient's page (web/appointments.html) and the staff
// portal's queue (web/portal.html, web/js/portal-queue.mjs), against a real HipCoach server with a
// fresh SQLite database for each test: a patient and a clinician in two browser contexts, at
// 360 px, light and dark, with the axe-core audit on every state. The clinician account is made
// and signed in only through staff.mjs.
//
// Run from the repository root: node --test --test-concurrency=1 tests/browser/appointments.spec.mjs
// Screenshots go to build/screenshots/appointments-*.png.

import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import path from 'node:path';
import {describe, it} from 'node:test';

import {assert_no_axe_violations, call_api, kScreenshots, new_page, no_horizontal_scroll, server_per_test,
        sign_up_on_page} from './server.mjs';
import {add_staff, sign_in_staff} from './staff.mjs';

const kPhone = {width: 360, height: 740};
const kPassword = 'correct horse battery';
const kTimezone = 'America/Chicago';
const kClinicianEmail = 'dr.lee@clinic.example';

// Answers that the triage rules judge urgent (a red flag: fever or feeling unwell).
const kUrgentTriage = {
  age: 54, side: 'right', locations: ['outer_hip'], pain_now: 6, worst_pain_week: 8, duration_weeks: 3,
  aggravators: ['lying_on_side'], red_flags: ['fever_or_unwell'], cautions: [],
};

const env = server_per_test();

async function open_page(file, options = {}) {
  const page = await new_page(env.browser, {...kPhone, timezone_id: kTimezone, ...options});
  await page.goto(`${env.server.url}${file}`);
  return page;
}

const sign_up = (page, email) => sign_up_on_page(page, email, kPassword);

async function screenshot(page, name) {
  await page.screenshot({path: path.join(kScreenshots, `appointments-${name}.png`), fullPage: true});
}

async function focused_id(page) {
  return page.evaluate(() => document.activeElement?.id ?? '');
}

// Opens (or reloads) the patient's appointments page and waits until it shows the requests.
async function open_appointments(page) {
  if (page.url().endsWith('appointments.html')) await page.reload();
  else await page.goto(`${env.server.url}appointments.html`);
  await page.locator('#appointments:not([hidden])').waitFor();
}

// Opens (or reloads) the portal and waits until the queue has loaded.
async function open_portal(page) {
  if (page.url().endsWith('portal.html')) await page.reload();
  else await page.goto(`${env.server.url}portal.html`);
  await page.locator('#portal:not([hidden])').waitFor();
  await page.locator('#queue-list > li').first().waitFor();
}

// A time `days` days from now at `hour`:00 in the page's local time: the value for a
// datetime-local input, the local date for a date input, and the UTC time as iCalendar writes it.
async function local_time(page, days, hour) {
  return page.evaluate(({days, hour}) => {
    const date = new Date();
    date.setDate(date.getDate() + days);
    date.setHours(hour, 0, 0, 0);
    const pad = (value) => String(value).padStart(2, '0');
    const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
    return {input: `${day}T${pad(hour)}:00`, date: day,
            ical: date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z')};
  }, {days, hour});
}

describe('appointment requests', () => {
  for (const color_scheme of ['light', 'dark']) {
    it(`goes from a request with a check attached to a confirmed appointment in the calendar (${color_scheme}, ` +
       '360 px, axe)', async () => {
      add_staff(env.server, kClinicianEmail);
      const patient = await open_page('account.html', {color_scheme, axe: true});
      const clinician = await open_page('account.html', {color_scheme, axe: true});
      try {
        // The patient has an urgent saved check and an earlier request without one.
        await sign_up(patient, 'pat@example.com');
        const triage = await call_api(patient, 'POST', '/api/v1/me/triage', kUrgentTriage);
        assert.equal(triage.status, 201, JSON.stringify(triage.body));
        assert.equal(triage.body.result.disposition, 'urgent');
        const earlier = await call_api(patient, 'POST', '/api/v1/appointments',
                                       {type: 'follow-up', reason: 'A check on my exercises.'});
        assert.equal(earlier.status, 201, JSON.stringify(earlier.body));

        await patient.getByRole('link', {name: 'Appointments with the clinic'}).click();
        await patient.waitForURL(/appointments\.html$/);
        await patient.locator('#appointments:not([hidden])').waitFor();
        assert.deepEqual(await patient.locator('#appointment-type option').allTextContents(),
                         ['Initial assessment (60 min)', 'Follow-up visit (30 min)']);
        assert.equal(await patient.locator('#attach-triage').isChecked(), true);
        assert.match(await patient.locator('#attach-triage-hint').textContent(), /Urgent/);
        assert.equal(await patient.locator('#request-list .request').count(), 1);
        assert.match(await patient.locator('#request-list').textContent(), /Follow-up visit\s*Sent/);
        await assert_no_axe_violations(patient, `appointments, one request, ${color_scheme}`);
        assert.equal(await no_horizontal_scroll(patient), true);
        await screenshot(patient, `patient-form-${color_scheme}`);

        // An empty reason: the error by the reason, nothing sent.
        await patient.locator('#request-submit').click();
        await patient.locator('#appointment-reason-error:not([hidden])').waitFor();
        assert.match(await patient.locator('#appointment-reason-error').textContent(), /why you would like/);
        assert.equal(await patient.locator('#appointment-reason').getAttribute('aria-invalid'), 'true');
        assert.equal(await focused_id(patient), 'appointment-reason');
        await assert_no_axe_violations(patient, `appointments, empty reason, ${color_scheme}`);
        await screenshot(patient, `patient-empty-reason-${color_scheme}`);

        // A "not before" day in the past: the server's error, by that field.
        await patient.locator('#appointment-reason').fill('Pain on the outside of my right hip at night, ' +
                                                          'worse for three weeks.');
        await patient.locator('#appointment-earliest').fill((await local_time(patient, -2, 12)).date);
        await patient.locator('#request-submit').click();
        await patient.locator('#appointment-earliest-error:not([hidden])').waitFor();
        assert.match(await patient.locator('#appointment-earliest-error').textContent(), /past/);
        assert.equal(await patient.locator('#appointment-reason-error').isVisible(), false);
        assert.equal(await focused_id(patient), 'appointment-earliest');
        await assert_no_axe_violations(patient, `appointments, a day in the past, ${color_scheme}`);
        assert.equal((await call_api(patient, 'GET', '/api/v1/appointments')).body.appointments.length, 1);

        // The request, with the check and the summary attached.
        await patient.locator('#appointment-type').selectOption('initial-assessment');
        await patient.locator('label[for="day-mon"]').click();
        await patient.locator('label[for="day-wed"]').click();
        await patient.locator('label[for="time-morning"]').click();
        await patient.locator('#preferred-note').fill('not before 9');
        await patient.locator('#appointment-earliest').fill((await local_time(patient, 1, 12)).date);
        await patient.locator('label[for="attach-summary"]').click();
        await patient.locator('#request-submit').click();
        await patient.locator('#requests-done').filter({hasText: /request is sent/}).waitFor();
        const mine = (await call_api(patient, 'GET', '/api/v1/appointments')).body.appointments;
        assert.equal(mine.length, 2);
        const request = mine[0];
        assert.equal(request.type, 'initial-assessment');
        assert.equal(request.triage_id, triage.body.id);
        assert.equal(request.urgency, 'urgent');
        assert.equal(request.attach_summary, true);
        assert.equal(request.preferred, 'Mon, Wed; mornings; not before 9');
        assert.equal(await focused_id(patient), `request-${request.id}-title`);
        assert.match(await patient.locator(`#request-${request.id}`).textContent(), /Initial assessment\s*Sent/);
        assert.equal(await patient.locator('#appointment-reason').inputValue(), '');
        await assert_no_axe_violations(patient, `appointments, request sent, ${color_scheme}`);

        // The clinician sees it first in the queue, above the older one.
        await sign_in_staff(clinician, kClinicianEmail);
        await clinician.goto(`${env.server.url}appointments.html`);
        await clinician.locator('#staff-notice:not([hidden])').waitFor();
        assert.equal(await clinician.locator('#appointments').isVisible(), false);
        await open_portal(clinician);
        const queue = clinician.locator('#queue-list > .queue-item');
        assert.equal(await queue.count(), 2);
        assert.equal(await queue.first().getAttribute('id'), `queue-${request.id}`);
        const first = await queue.first().textContent();
        assert.match(first, /Urgent/);
        assert.match(first, /Initial assessment/);
        assert.match(first, /Suits: Mon, Wed; mornings; not before 9\./);
        assert.match(first, /\((this minute|\d+ minutes? ago)\)/);
        assert.match(await queue.nth(1).textContent(), /No check attached/);
        assert.match(await clinician.locator('#queue-count').textContent(), /2 open requests/);
        await assert_no_axe_violations(clinician, `portal, the queue, ${color_scheme}`);
        assert.equal(await no_horizontal_scroll(clinician), true);
        await screenshot(clinician, `queue-${color_scheme}`);

        // The request opened: the reason and the attached check with its level of care and reasons.
        await queue.first().getByRole('button', {name: 'Open request'}).click();
        await clinician.locator('#request-triage').waitFor();
        assert.equal(await focused_id(clinician), 'request-title');
        assert.match(await clinician.locator('#request-reason').textContent(), /outside of my right hip/);
        const attached = await clinician.locator('#request-triage').textContent();
        assert.match(attached, /Urgent: see a clinician today/);
        assert.ok(triage.body.result.reasons.every((reason) => attached.includes(reason.text)),
                  'a reason of the check is missing');
        // The attached summary names the patient and links its PDF.
        assert.match(await clinician.locator('#request-title').textContent(), /pat@example\.com/);
        assert.match(await clinician.locator('#request-summary').textContent(), /Latest check/);
        const pdf = await call_api(clinician, 'GET',
                                   await clinician.locator('#request-summary-pdf').getAttribute('href'));
        assert.equal(pdf.status, 200);
        assert.match(String(pdf.body), /^%PDF-/);
        // A staff note: an empty one is refused at its field, a written one is listed with its author.
        assert.match(await clinician.locator('#note-list').textContent(), /No notes yet/);
        await clinician.locator('#note-submit').click();
        await clinician.locator('#note-text-error:not([hidden])').waitFor();
        assert.equal(await focused_id(clinician), 'note-text');
        await clinician.locator('#note-text').fill('Called: fever since Tuesday, sent to urgent care.');
        await clinician.locator('#note-submit').click();
        await clinician.locator('#note-done').filter({hasText: 'Note added.'}).waitFor();
        const note = await clinician.locator('#note-list li').textContent();
        assert.match(note, /fever since Tuesday/);
        assert.match(note, /dr\.lee@clinic\.example/);
        assert.equal(await clinician.locator('#note-text-error').isVisible(), false);
        assert.equal(await clinician.locator('#action-form').isVisible(), true);
        assert.equal(await clinician.locator('#action-minutes').inputValue(), '60');
        await assert_no_axe_violations(clinician, `portal, a request opened, ${color_scheme}`);
        assert.equal(await no_horizontal_scroll(clinician), true);
        await screenshot(clinician, `request-${color_scheme}`);
        await clinician.locator('#request-detail').screenshot(
          {path: path.join(kScreenshots, `appointments-request-detail-${color_scheme}.png`)});

        // A time in the past: the server's error by the time field.
        await clinician.locator('#action-start').fill((await local_time(clinician, -1, 10)).input);
        await clinician.locator('#action-propose').click();
        await clinician.locator('#action-start-error:not([hidden])').waitFor();
        assert.match(await clinician.locator('#action-start-error').textContent(), /past/);
        assert.equal(await clinician.locator('#action-start').getAttribute('aria-invalid'), 'true');
        assert.equal(await focused_id(clinician), 'action-start');
        await assert_no_axe_violations(clinician, `portal, a time in the past, ${color_scheme}`);
        await screenshot(clinician, `past-time-${color_scheme}`);

        // The clinician proposes a time with a message.
        const slot = await local_time(clinician, 3, 10);
        await clinician.locator('#action-start').fill(slot.input);
        await clinician.locator('#action-message').fill('Please bring shorts.');
        await clinician.locator('#action-propose').click();
        await clinician.locator('#action-done').filter({hasText: /^Proposed/}).waitFor();
        assert.equal(await focused_id(clinician), 'request-title');
        assert.match(await clinician.locator('#request-body').textContent(), /Time proposed/);
        await assert_no_axe_violations(clinician, `portal, a time proposed, ${color_scheme}`);

        // The patient sees "proposed", the message, and the notification.
        await open_appointments(patient);
        const item = patient.locator(`#request-${request.id}`);
        assert.match(await item.textContent(), /Time proposed/);
        assert.match(await item.textContent(), /The clinic proposes/);
        assert.match(await item.textContent(), /Please bring shorts\./);
        assert.equal(await item.getByRole('link', {name: /calendar/}).count(), 0);
        assert.match(await patient.locator('#notifications').textContent(), /now proposed/);
        assert.doesNotMatch(await patient.locator('#main').textContent(), /fever since Tuesday/);
        assert.match(await patient.locator('#status').textContent(), /1 new message/);
        await assert_no_axe_violations(patient, `appointments, proposed, ${color_scheme}`);
        await screenshot(patient, `patient-proposed-${color_scheme}`);

        // The clinician confirms the proposed time; the queue keeps only the other request.
        await clinician.locator('#action-confirm').click();
        await clinician.locator('#action-done').filter({hasText: /^Confirmed/}).waitFor();
        assert.equal(await clinician.locator('#action-form').isVisible(), false);
        await clinician.locator(`#queue-${request.id}`).waitFor({state: 'detached'});
        assert.equal(await clinician.locator('#queue-list > .queue-item').count(), 1);
        await assert_no_axe_violations(clinician, `portal, confirmed, ${color_scheme}`);

        // The patient sees "confirmed" and downloads a valid calendar file.
        await open_appointments(patient);
        assert.match(await item.textContent(), /Confirmed/);
        assert.match(await item.textContent(), /Your appointment:/);
        assert.match(await patient.locator('#notifications').textContent(), /now confirmed/);
        await assert_no_axe_violations(patient, `appointments, confirmed, ${color_scheme}`);
        assert.equal(await no_horizontal_scroll(patient), true);
        await screenshot(patient, `patient-confirmed-${color_scheme}`);
        const [download] = await Promise.all([
          patient.waitForEvent('download'),
          item.getByRole('link', {name: 'Add to your calendar (.ics)'}).click(),
        ]);
        assert.equal(download.suggestedFilename(), `appointment-${request.id}.ics`);
        const ical = readFileSync(await download.path(), 'utf8');
        assert.match(ical, /^BEGIN:VCALENDAR\r\n/);
        assert.match(ical, /\r\nBEGIN:VEVENT\r\n/);
        assert.ok(ical.includes(`\r\nDTSTART:${slot.ical}\r\n`), `no DTSTART:${slot.ical} in\n${ical}`);
        assert.match(ical, /\r\nSUMMARY:Initial assessment at More 4 Life Physical Therapy\r\n/);
        assert.match(ical, /END:VCALENDAR\r\n$/);

        // The other request at the same time: the double booking is refused, clearly.
        await clinician.locator(`#queue-${earlier.body.id}`).getByRole('button', {name: 'Open request'}).click();
        await clinician.locator('#request-title').filter({hasText: /Follow-up visit/}).waitFor();
        await clinician.locator('#action-form:not([hidden])').waitFor();
        await clinician.locator('#action-start').fill(slot.input);
        await clinician.locator('#action-confirm').click();
        await clinician.locator('#action-error:not([hidden])').waitFor();
        const conflict = await clinician.locator('#action-error').textContent();
        assert.match(conflict, /Not confirmed\./);
        assert.match(conflict, /overlaps another confirmed appointment/);
        assert.equal(await focused_id(clinician), 'action-error');
        assert.match(await clinician.locator('#request-body').textContent(), /Waiting for an answer/);
        await assert_no_axe_violations(clinician, `portal, a double booking, ${color_scheme}`);
        await screenshot(clinician, `double-booking-${color_scheme}`);
        await clinician.locator('#request-detail').screenshot(
          {path: path.join(kScreenshots, `appointments-double-booking-detail-${color_scheme}.png`)});

        // The clinician declines the other request with a message instead.
        await clinician.locator('#action-message').fill('Please book the follow-up after your assessment.');
        await clinician.locator('#action-decline').click();
        await clinician.locator('#action-done').filter({hasText: /^Declined/}).waitFor();
        assert.equal(await clinician.locator('#action-error').isVisible(), false);
        assert.equal(await clinician.locator('#action-form').isVisible(), false);
        await clinician.locator('#queue-none').waitFor();
        assert.match(await clinician.locator('#queue-none').textContent(), /No open requests/);

        // The queue, filtered to confirmed ones, shows the appointment.
        await clinician.locator('#queue-status').selectOption('confirmed');
        await clinician.locator(`#queue-${request.id}`).waitFor();
        assert.equal(await clinician.locator('#queue-list > .queue-item').count(), 1);
        await assert_no_axe_violations(clinician, `portal, confirmed requests, ${color_scheme}`);

        // The patient sees the decline with its message, and cancels the appointment after a second question.
        await open_appointments(patient);
        const other = patient.locator(`#request-${earlier.body.id}`);
        assert.match(await other.textContent(), /Declined/);
        assert.match(await other.textContent(), /book the follow-up after your assessment/);
        assert.equal(await other.getByRole('button').count(), 0);
        assert.match(await patient.locator('#notifications').textContent(), /now declined/);
        await item.getByRole('button', {name: 'Cancel this appointment…'}).click();
        await item.getByRole('button', {name: 'Yes, cancel it'}).waitFor();
        await assert_no_axe_violations(patient, `appointments, cancel asked, ${color_scheme}`);
        await screenshot(patient, `patient-cancel-asked-${color_scheme}`);
        await item.getByRole('button', {name: 'Yes, cancel it'}).click();
        await patient.locator('#requests-done').filter({hasText: /cancelled/}).waitFor();
        assert.match(await item.textContent(), /Cancelled/);
        assert.equal(await item.getByRole('link', {name: /calendar/}).count(), 0);
        assert.equal(await item.getByRole('button').count(), 0);
        assert.equal(await focused_id(patient), `request-${request.id}-title`);
        await assert_no_axe_violations(patient, `appointments, cancelled, ${color_scheme}`);
        const cancelled = await call_api(patient, 'GET', `/api/v1/appointments/${request.id}/ical`);
        assert.equal(cancelled.status, 404);

        assert.deepEqual(patient.errors, []);
        assert.deepEqual(clinician.errors, []);
      } finally {
        await patient.close_all();
        await clinician.close_all();
      }
    });
  }

  it('asks a signed-out visitor to sign in and brings them back to the page', async () => {
    const page = await open_page('appointments.html', {axe: true});
    try {
      await page.locator('#signed-out:not([hidden])').waitFor();
      await assert_no_axe_violations(page, 'appointments, signed out');
      assert.equal(await no_horizontal_scroll(page), true);
      await page.getByRole('link', {name: 'Sign in or create an account'}).click();
      await page.waitForURL(/account\.html\?next=appointments$/);
      await page.locator('#signed-out:not([hidden])').waitFor();
      assert.match(await page.locator('#notice').textContent(), /to ask for an appointment/);
      await page.locator('#sign-up-email').fill('new@example.com');
      await page.locator('#sign-up-password').fill(kPassword);
      await page.locator('#sign-up-submit').click();
      await page.waitForURL(/appointments\.html$/);
      await page.locator('#appointments:not([hidden])').waitFor();
      assert.match(await page.locator('#requests-none').textContent(), /not asked/);
      assert.equal(await page.locator('#attach-triage').isDisabled(), true);
      assert.match(await page.locator('#attach-triage-hint').textContent(), /No check is saved/);
      assert.equal(await page.locator('#notifications').isVisible(), false);
      await assert_no_axe_violations(page, 'appointments, nothing asked yet');
      assert.deepEqual(page.errors, []);
    } finally {
      await page.close_all();
    }
  });

  it('links the page from the "Contact the clinic" box of the progress page', async () => {
    const page = await open_page('account.html');
    try {
      await sign_up(page, 'progress@example.com');
      await page.goto(`${env.server.url}progress.html`);
      const link = page.locator('#clinician-clinic').getByRole('link', {name: 'Request an appointment online'});
      await link.waitFor();
      assert.equal(await link.getAttribute('href'), 'appointments.html');
      assert.deepEqual(page.errors, []);
    } finally {
      await page.close_all();
    }
  });

  it('serves the new page and its files with the types a browser needs', async () => {
    for (const [file, type] of [['appointments.html', /text\/html/], ['css/appointments.css', /text\/css/],
                                ['js/appointments.mjs', /javascript/], ['js/appointment-api.mjs', /javascript/],
                                ['js/portal-queue.mjs', /javascript/]]) {
      const response = await fetch(`${env.server.url}${file}`);
      assert.equal(response.status, 200, file);
      assert.match(response.headers.get('content-type') ?? '', type, file);
    }
  });
});
