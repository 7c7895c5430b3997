// Reminders: the days and time of the self-care session, and the private calendar link a
// phone's calendar subscribes to (docs/api.md, "Reminders"). Importing this module does
// nothing by itself: the coach page imports due_today, the account page calls show_reminders
// once someone is signed in.

import {ApiError, send_json} from './api.mjs';
import {h} from './dom.mjs';
import {FormErrors} from './ui.mjs';

// The API's day names, Monday first, and how the page says them.
export const kDays = [
  ['mon', 'Monday'], ['tue', 'Tuesday'], ['wed', 'Wednesday'], ['thu', 'Thursday'],
  ['fri', 'Friday'], ['sat', 'Saturday'], ['sun', 'Sunday'],
];
// Date.getDay() numbers Sunday 0.
const kDayOfDate = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

// Returns the time ("18:30") when `reminders` ({days: [...], time}, as GET
// /api/v1/me/reminders answers) has a session on the local date of `date`, else null.
export function due_today(reminders, date = new Date()) {
  if (!reminders || !Array.isArray(reminders.days) || typeof reminders.time !== 'string') return null;
  return reminders.days.includes(kDayOfDate[date.getDay()]) ? reminders.time : null;
}

// "Monday, Wednesday and Friday at 18:30", or '' when no day is chosen.
export function describe_schedule(reminders) {
  const names = kDays.filter(([day]) => reminders?.days?.includes(day)).map(([, name]) => name);
  if (names.length === 0 || typeof reminders.time !== 'string') return '';
  const days = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  return `${days} at ${reminders.time}`;
}

// The calls. Each throws ApiError as send_json does; a 401 means "not signed in".

// Returns {days, time, feed: {active}}.
export async function fetch_reminders({signal} = {}) {
  return send_json('api/v1/me/reminders', 'reminders', {signal});
}

// Saves {days, time}; returns what fetch_reminders returns.
export async function save_reminders(days, time) {
  return send_json('api/v1/me/reminders', 'reminders', {method: 'PUT', body: {days, time}});
}

// Makes a new calendar link (the old one stops working); returns its path with the key.
export async function make_feed_link() {
  const answer = await send_json('api/v1/me/reminders/feed', 'a calendar link', {method: 'POST'});
  if (typeof answer?.path !== 'string') throw new ApiError('The server sent a calendar link without a path.');
  return answer.path;
}

export async function turn_off_feed_link() {
  await send_json('api/v1/me/reminders/feed', 'nothing', {method: 'DELETE'});
}

// The account page's Reminders section.

const $ = (id) => document.getElementById(id);

let wired = false;
let on_session_ended = () => {};

function day_inputs() {
  return [...$('reminder-days').querySelectorAll('input[type="checkbox"]')];
}

function show_feed_state(active) {
  $('feed-state').textContent = active
    ? 'A calendar link is on. It is shown only once, when it is made: if you no longer have it, ' +
      'make a new link.'
    : 'No calendar link is on.';
  $('feed-make').textContent = active ? 'Make a new link (the old one stops working)' : 'Make a calendar link';
  $('feed-off').hidden = !active;
}

function show_schedule(reminders) {
  for (const input of day_inputs()) input.checked = reminders.days.includes(input.value);
  if (typeof reminders.time === 'string') $('reminder-time').value = reminders.time;
  const schedule = describe_schedule(reminders);
  $('reminders-now').textContent = schedule ? `Your reminders: ${schedule}.` : 'No reminders are set.';
  show_feed_state(reminders.feed?.active === true);
}

// Shows the link just made: as webcal:// (which opens the calendar app) and as the web address.
function show_link(path) {
  const url = new URL(path, window.location.href);
  const webcal = `webcal://${url.host}${url.pathname}${url.search}`;
  $('feed-webcal').value = webcal;
  $('feed-url').value = url.href;
  $('feed-subscribe').setAttribute('href', webcal);
  $('feed-link').hidden = false;
}

function hide_link() {
  $('feed-link').hidden = true;
  $('feed-webcal').value = '';
  $('feed-url').value = '';
  $('feed-subscribe').setAttribute('href', '#feed-link');
}

async function busy(button, work) {
  button.disabled = true;
  try {
    return await work();
  } finally {
    button.disabled = false;
  }
}

function is_session_end(error) {
  return error instanceof ApiError && error.status === 401;
}

function wire() {
  const form = $('reminders-form');
  const time = $('reminder-time');
  const fieldset = $('reminder-days');
  const done = $('reminders-done');
  const fields = {'/time': time, '/days': fieldset};
  for (let i = 0; i < kDays.length; ++i) fields[`/days/${i}`] = fieldset;
  const errors = new FormErrors(form, {fields, box: $('reminders-error')});
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    errors.clear();
    done.textContent = '';
    const days = day_inputs().filter((input) => input.checked).map((input) => input.value);
    if (days.length > 0 && !/^\d\d:\d\d$/.test(time.value)) {
      errors.show_at('/time', 'Enter the time of the session, like 18:30.');
      return;
    }
    try {
      const saved = await busy($('reminders-submit'), () => save_reminders(days, time.value || '00:00'));
      show_schedule(saved);
      done.textContent = days.length > 0 ? 'Your reminders are saved.' : 'Your reminders are turned off.';
    } catch (error) {
      if (is_session_end(error)) return on_session_ended();
      errors.show_error(error);
    }
  });

  const feed_errors = new FormErrors(null, {box: $('feed-error')});
  const make = $('feed-make');
  make.addEventListener('click', async () => {
    feed_errors.clear();
    try {
      const path = await busy(make, () => make_feed_link());
      show_feed_state(true);
      show_link(path);
      $('feed-webcal').focus();
    } catch (error) {
      if (is_session_end(error)) return on_session_ended();
      feed_errors.show_error(error);
    }
  });
  const off = $('feed-off');
  off.addEventListener('click', async () => {
    feed_errors.clear();
    try {
      await busy(off, () => turn_off_feed_link());
      hide_link();
      show_feed_state(false);
      $('feed-state').textContent = 'The calendar link is off: calendars that used it get no more reminders.';
      make.focus();
    } catch (error) {
      if (is_session_end(error)) return on_session_ended();
      feed_errors.show_error(error);
    }
  });
  for (const id of ['feed-webcal', 'feed-url']) {
    $(id).addEventListener('focus', (event) => event.target.select());
  }
}

// Loads and shows the signed-in person's reminders in the account page's section.
// `session_ended` is called when the server says the session is over.
export async function show_reminders({session_ended = () => {}} = {}) {
  if (!$('reminders-form')) return;
  on_session_ended = session_ended;
  if (!wired) {
    wire();
    wired = true;
  }
  hide_link();
  $('reminders-done').textContent = '';
  $('reminders-now').textContent = 'Loading your reminders…';
  try {
    show_schedule(await fetch_reminders());
  } catch (error) {
    if (is_session_end(error)) return on_session_ended();
    $('reminders-now').replaceChildren(h('span', {}, `Your reminders could not be loaded: ${error.message}`));
  }
}
