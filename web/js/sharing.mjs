// The sharing page: the patient chooses which parts of their record the clinic may see and until
// when (POST /api/v1/consents), sees each consent with its status and stops one at once
// (DELETE), and sees who at the clinic looked at their record (GET /api/v1/me/audit).

import {ApiError} from './api.mjs';
import {fetch_consents, fetch_my_audit, grant_consent, kParts, part_name, revoke_consent} from './consent-api.mjs';
import {h} from './dom.mjs';
import {FormErrors, local_date, sentence, set_status, show_load_error, time_element} from './ui.mjs';
import {show_portal_link} from './staff-nav.mjs';
import {fetch_me} from './user-api.mjs';

const kDefaultDays = 90;
const kMaximumDays = 364;  // The last day chosen ends within the API's 365 days.
const kDayMilliseconds = 24 * 60 * 60 * 1000;

const kStatusText = {active: 'Active', expired: 'Ended', revoked: 'Stopped'};
const kRoleText = {clinician: 'clinician', admin: 'administrator', patient: 'patient'};

const $ = (id) => document.getElementById(id);
const elements = {
  status: $('status'),
  load_error: $('load-error'),
  signed_out: $('signed-out'),
  sharing: $('sharing'),
  form: $('grant-form'),
  parts: $('share-parts'),
  until: $('share-until'),
  submit: $('grant-submit'),
  grant_done: $('grant-done'),
  consents: $('consent-list'),
  consents_error: $('consents-error'),
  revoke_done: $('revoke-done'),
  audit: $('audit-content'),
};

const grant_errors = new FormErrors(elements.form, {
  fields: {'/parts': elements.parts, '/until': elements.until},
  box: $('grant-error'),
});

// Returns the local date `days` from today as YYYY-MM-DD, for <input type="date">.
function date_value(days) {
  const day = new Date();
  day.setHours(12, 0, 0, 0);
  day.setDate(day.getDate() + days);
  const pad = (value) => String(value).padStart(2, '0');
  return `${day.getFullYear()}-${pad(day.getMonth() + 1)}-${pad(day.getDate())}`;
}

// Returns the end of the local day `value` (YYYY-MM-DD) as an RFC 3339 time, never more than
// 365 days from now; null when `value` is not a date.
function end_of_day(value) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const end = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + 1, 0, 0, 0, 0);
  end.setSeconds(end.getSeconds() - 1);
  const latest = Date.now() + 365 * kDayMilliseconds - 60 * 1000;
  return new Date(Math.min(end.getTime(), latest)).toISOString();
}

function parts_text(parts) {
  return (Array.isArray(parts) ? parts : []).map(part_name).join(', ');
}

function reset_form() {
  for (const input of elements.parts.querySelectorAll('input')) input.checked = false;
  elements.until.min = date_value(1);
  elements.until.max = date_value(kMaximumDays);
  elements.until.value = date_value(kDefaultDays);
}

function consent_item(consent) {
  const status = kStatusText[consent.status] ? consent.status : 'expired';
  const active = status === 'active';
  const parts = parts_text(consent.parts);
  const title_id = `consent-${consent.id}-title`;
  let period;
  if (status === 'revoked' && consent.revoked_at) {
    period = ['Shared from ', time_element(consent.created_at, local_date), '; stopped on ',
              time_element(consent.revoked_at), '.'];
  } else if (active) {
    period = ['Shared from ', time_element(consent.created_at, local_date), ' until ',
              time_element(consent.until), '.'];
  } else {
    period = ['Shared from ', time_element(consent.created_at, local_date), '; ended on ',
              time_element(consent.until), '.'];
  }
  let stop = null;
  if (active) {
    stop = h('button', {type: 'button', class: 'button button-danger-outline', 'aria-describedby': title_id},
      'Stop sharing');
    stop.addEventListener('click', () => stop_sharing(consent, stop));
  }
  return h('li', {class: `consent consent-${status}`},
    h('p', {class: 'consent-head'},
      h('strong', {id: title_id}, parts),
      ' ', h('span', {class: `consent-status consent-status-${status}`}, kStatusText[status])),
    h('p', {class: 'muted'}, period),
    stop ? h('p', {class: 'form-actions'}, stop) : null);
}

function render_consents(consents) {
  elements.consents.replaceChildren(...(consents.length
    ? consents.map(consent_item)
    : [h('li', {class: 'consent-none'}, 'You do not share anything with the clinic.')]));
}

function render_audit(rows) {
  if (rows.length === 0) {
    elements.audit.replaceChildren(h('p', {id: 'audit-none'}, 'Nobody at the clinic has looked at your record.'));
    return;
  }
  elements.audit.replaceChildren(h('div', {class: 'table-scroll', role: 'region', 'aria-label': 'Table of who looked',
                                          tabindex: '0'}, h('table', {id: 'audit-table', class: 'data-table'},
    h('caption', {class: 'visually-hidden'}, 'Who looked at my record'),
    h('thead', {}, h('tr', {}, ['Who', 'What', 'When', 'Why'].map((text) => h('th', {scope: 'col'}, text)))),
    h('tbody', {}, rows.map((row) => h('tr', {},
      h('td', {}, h('span', {class: 'email'}, row.actor?.email ?? 'a former staff account'),
        row.actor?.role ? h('br') : null, row.actor?.role ? h('span', {class: 'muted'},
          kRoleText[row.actor.role] ?? row.actor.role) : null),
      h('td', {}, `${row.action === 'read' ? 'Read' : sentence(row.action ?? '').replace(/\.$/, '')}: ` +
        `${part_name(row.what)}`),
      h('td', {}, time_element(row.at)),
      h('td', {class: 'audit-why'}, row.why ?? '')))))));
}

async function refresh_lists() {
  const [consents, audit] = await Promise.all([fetch_consents(), fetch_my_audit()]);
  render_consents(consents);
  render_audit(audit);
}

async function stop_sharing(consent, button) {
  elements.consents_error.hidden = true;
  elements.revoke_done.textContent = '';
  button.disabled = true;
  try {
    await revoke_consent(consent.id);
    await refresh_lists();
    elements.revoke_done.textContent = `You stopped sharing: ${parts_text(consent.parts)}. The clinic can no ` +
      'longer see it.';
    $('consents-title').setAttribute('tabindex', '-1');
    $('consents-title').focus();
  } catch (error) {
    button.disabled = false;
    const detail = error instanceof ApiError && error.detail ? sentence(error.detail) : error.message;
    elements.consents_error.replaceChildren(h('p', {}, `Sharing could not be stopped. ${detail}`));
    elements.consents_error.hidden = false;
  }
}

elements.form.addEventListener('submit', async (event) => {
  event.preventDefault();
  grant_errors.clear();
  elements.grant_done.textContent = '';
  const parts = kParts.map((part) => part.id)
    .filter((id) => elements.parts.querySelector(`input[value="${id}"]`)?.checked);
  if (parts.length === 0) {
    grant_errors.show_at('/parts', 'choose at least one part of your record to share');
    return;
  }
  const until = end_of_day(elements.until.value);
  if (!until || elements.until.value < elements.until.min || elements.until.value > elements.until.max) {
    grant_errors.show_at('/until', `choose a day from tomorrow to ${local_date(elements.until.max)}`);
    return;
  }
  elements.submit.disabled = true;
  try {
    const consent = await grant_consent(parts, until);
    reset_form();
    await refresh_lists();
    elements.grant_done.textContent = `The clinic can now see: ${parts_text(consent?.parts ?? parts)}.`;
  } catch (error) {
    grant_errors.show_error(error);
  } finally {
    elements.submit.disabled = false;
  }
});

async function load() {
  elements.load_error.hidden = true;
  set_status(elements.status, 'Loading what you share…', {loading: true});
  try {
    const user = await fetch_me();
    if (!user) {
      set_status(elements.status, '');
      elements.signed_out.hidden = false;
      return;
    }
    show_portal_link(user);
    await refresh_lists();
  } catch (error) {
    set_status(elements.status, '');
    show_load_error(elements.load_error, 'What you share could not be loaded', error, () => load());
    return;
  }
  set_status(elements.status, '');
  elements.sharing.hidden = false;
}

reset_form();
load();
