// The guided session page: choose what to treat (or take the last saved check), rate the pain,
// answer the re-check of the warning signs, then step through the plan with a hold timer, spoken
// cues and stop buttons, rate the pain again, save, and compare with the last sessions.
//
// The state machine is coach-state.mjs; this file only feeds it events with Date.now(), shows
// what it says, and keeps the session in localStorage (coach-store.mjs) after every change, so a
// reload or a phone call comes back to the same step with the hold still counted by the clock.

import {ApiError} from './api.mjs';
import {load_clinic} from './clinic.mjs';
import {fetch_groups, fetch_plan, fetch_saved_triage, fetch_sessions, post_session,
        rfc3339_local} from './coach-api.mjs';
import {group_tiles, minutes_seconds, pain_tiles, plan_summary, render_instructions, render_prepare,
        render_red_flags, render_rule_notice, render_summary} from './coach-render.mjs';
import {announce, is_muted, ScreenKeeper, set_muted, speak, vibrate} from './coach-signals.mjs';
import * as coach from './coach-state.mjs';
import {forget_session, load_session, save_session} from './coach-store.mjs';
import {h} from './dom.mjs';
import {FormErrors, go_to_sign_in, local_date, sentence, set_status, show_load_error} from './ui.mjs';
import {due_today, fetch_reminders} from './reminders.mjs';
import {fetch_me} from './user-api.mjs';

const kTickMilliseconds = 250;
const kScreens = ['start', 'prepare', 'session', 'red-flag', 'after', 'summary'];

const $ = (id) => document.getElementById(id);
const elements = {
  status: $('status'),
  load_error: $('load-error'),
  announcer: $('announcer'),
  start_form: $('start-form'),
  recheck_form: $('recheck-form'),
  after_form: $('after-form'),
  pain_limit: $('pain-limit'),
  countdown: $('countdown'),
  countdown_label: $('countdown-label'),
  ring_progress: $('ring-progress'),
  ring_min: $('ring-min'),
  timer: $('timer'),
  hold_status: $('hold-status'),
  cue: $('cue'),
  pause: $('pause'),
  next: $('next'),
  back: $('back'),
  stop: $('stop'),
  stop_panel: $('stop-panel'),
  rule_notice: $('rule-notice'),
  mute: $('mute'),
};

const start_errors = new FormErrors(elements.start_form, {
  fields: {'/groups': $('groups'), groups: $('groups'), '/side': $('side'), side: $('side'),
           '/pain_before': $('pain-before'), '/pain_limit': elements.pain_limit, pain_limit: elements.pain_limit},
  box: $('start-error'),
});
const recheck_errors = new FormErrors(elements.recheck_form, {box: $('recheck-error')});
const after_errors = new FormErrors(elements.after_form, {fields: {'/pain_after': $('pain-after')}, box: $('after-error')});

// The page's one session: {user_id, plan, state, pain_before, triage_id, pain_after?} or null.
let user = null;
let session = null;
let timer = null;
let start_ready = false;
let last_triage = null;
const screen_keeper = new ScreenKeeper(() => session !== null &&
  (session.state.phase === 'running' || session.state.phase === 'paused'));

function show_screen(name) {
  for (const screen of kScreens) $(screen).hidden = screen !== name;
  document.body.classList.toggle('coach-in-session', name === 'session');
  screen_keeper.update();
  if (name === 'session') start_ticking();
  else stop_ticking();
}

function persist() {
  if (session) save_session(session);
}

function checked(form, name) {
  return form.querySelector(`input[name="${name}"]:checked`)?.value ?? null;
}

function sign_in_if_needed(error) {
  if (error instanceof ApiError && error.status === 401) {
    go_to_sign_in('coach');
    return true;
  }
  return false;
}

// --- The start screen ---------------------------------------------------------------------

function usable_triage(saved) {
  const result = saved?.result;
  return result && result.disposition !== 'urgent' && result.article_applies !== false &&
    Array.isArray(result.groups) && result.groups.length > 0 ? saved : null;
}

// Says when a session is due today, from the person's reminders; says nothing without them.
async function show_reminder() {
  try {
    const time = due_today(await fetch_reminders(), new Date(Date.now()));
    $('reminder').textContent = time ? `A session is due today at ${time}.` : '';
    $('reminder').hidden = !time;
  } catch {
    $('reminder').hidden = true;
  }
}

async function prepare_start() {
  if (start_ready) return;
  const [groups, saved] = await Promise.all([fetch_groups(), fetch_saved_triage()]);
  $('group-tiles').replaceChildren(...group_tiles(groups));
  $('pain-before-tiles').replaceChildren(...pain_tiles('pain-before'));
  elements.pain_limit.replaceChildren(h('option', {value: ''}, 'No limit'),
    ...Array.from({length: 10}, (_, index) => h('option', {value: String(index + 1)}, `Above ${index + 1} out of 10`)));
  last_triage = usable_triage(saved[0]);
  $('source').hidden = last_triage === null;
  // The latest check advised against treating oneself: say so before anything is chosen.
  $('triage-note').hidden = saved.length === 0 || last_triage !== null;
  if (saved.length > 0 && last_triage === null) {
    $('triage-note').textContent = `Your last check, of ${local_date(saved[0].created_at)}, did not suggest ` +
      'treating yourself for now. Follow its advice, and ask your clinician before a session.';
  }
  if (last_triage) {
    const names = last_triage.result.groups.map((group) => group.name).join(', ');
    $('source-triage-text').textContent = `As my last check suggested (${local_date(last_triage.created_at)})`;
    $('source-triage-detail').textContent = `Your check of ${local_date(last_triage.created_at)} suggested: ${names}.`;
    $('source-triage').checked = true;
  }
  show_own_choice();
  start_ready = true;
  show_reminder();
}

function show_own_choice() {
  $('own-choice').hidden = last_triage !== null && checked(elements.start_form, 'source') !== 'own';
}

async function submit_start(event) {
  event.preventDefault();
  start_errors.clear();
  const from_triage = last_triage !== null && checked(elements.start_form, 'source') !== 'own';
  const groups = [...elements.start_form.querySelectorAll('input[name="group"]:checked')].map((input) => input.value);
  const side = checked(elements.start_form, 'side');
  const pain_before = checked(elements.start_form, 'pain-before');
  if (!from_triage && groups.length === 0) {
    start_errors.show_at('/groups', 'Choose at least one muscle group.');
    return;
  }
  if (!from_triage && side === null) {
    start_errors.show_at('/side', 'Choose the side to treat: left, right or both.');
    return;
  }
  if (pain_before === null) {
    start_errors.show_at('/pain_before', 'Choose a number from 0 (no pain) to 10 (worst pain imaginable).');
    return;
  }
  const pain_limit = elements.pain_limit.value === '' ? null : Number(elements.pain_limit.value);
  const request = from_triage ? {triage: last_triage.id, pain_limit} : {groups, side, pain_limit};
  const button = $('start-next');
  button.disabled = true;
  let plan;
  try {
    plan = await fetch_plan(request);
  } catch (error) {
    if (!sign_in_if_needed(error)) start_errors.show_error(error);
    return;
  } finally {
    button.disabled = false;
  }
  session = {user_id: user.id, plan, state: coach.new_state(), pain_before: Number(pain_before),
             triage_id: from_triage ? last_triage.id : null};
  persist();
  show_prepare();
}

// --- Before the session: what to have ready, cautions, the re-check -------------------------

function show_prepare() {
  const {plan} = session;
  const parts = render_prepare(plan);
  $('plan-summary').textContent = plan_summary(plan);
  $('prepare-body').replaceChildren(...parts.body.filter(Boolean));
  $('recheck-intro').replaceChildren(...[parts.intro].filter(Boolean));
  $('recheck-questions').replaceChildren(...parts.questions);
  $('prepare-sources').replaceChildren(parts.sources);
  recheck_errors.clear();
  show_screen('prepare');
  $('prepare-title').focus();
}

function submit_recheck(event) {
  event.preventDefault();
  recheck_errors.clear();
  const questions = session.plan.recheck.questions;
  const red_flags = [];
  for (const [index, question] of questions.entries()) {
    const fieldset = $(`recheck-${index}`);
    const message = $(`recheck-${index}-error`);
    const answer = checked(elements.recheck_form, `recheck-${index}`);
    fieldset.removeAttribute('aria-invalid');
    message.hidden = true;
    if (answer === null) {
      fieldset.setAttribute('aria-invalid', 'true');
      message.replaceChildren(h('span', {class: 'visually-hidden'}, 'Error: '), 'Answer yes or no.');
      message.hidden = false;
      $(`recheck-${index}-no`).focus();
      return;
    }
    if (answer === 'yes') red_flags.push(question.red_flag);
  }
  apply(coach.begin(session.plan, session.state, Date.now(), red_flags));
}

// --- The session ----------------------------------------------------------------------------

function start_ticking() {
  if (timer === null) timer = window.setInterval(on_tick, kTickMilliseconds);
  on_tick();
}

function stop_ticking() {
  if (timer !== null) window.clearInterval(timer);
  timer = null;
}

function on_tick() {
  if (!session) return;
  apply(coach.tick(session.plan, session.state, Date.now()));
}

// Applies the result of an event: keeps the new state, then shows and says what happened. After
// a long absence several cues may fire at once; only the latest is spoken.
function apply(result) {
  if (!result.ok) {
    announce(elements.announcer, sentence(result.error.message));
    render_session();
    return;
  }
  if (result.state !== session.state) {
    session.state = result.state;
    persist();
  }
  const said = [];
  let hold_rule = null;
  let step_changed = false;
  let latest_cue = null;
  for (const event of result.events) {
    if (event.kind === 'step_changed') {
      step_changed = true;
      const step = session.plan.steps[event.step];
      said.push(`Step ${event.step + 1} of ${session.plan.steps.length}: ${step.title}.`);
    } else if (event.kind === 'cue') {
      latest_cue = event.cue;
    } else if (event.kind === 'stop_rule' && event.stop_rule.ends === 'hold') {
      hold_rule = event.stop_rule;
      said.push(`Hold stopped. ${event.stop_rule.text}`);
    }
  }
  if (latest_cue) said.push(latest_cue.text);
  if (step_changed) {
    if ($('session').hidden) show_screen('session');
    show_step(hold_rule);
    bring_step_into_view();
  }
  const phase = session.state.phase;
  if (phase === 'stopped' || phase === 'finished') {
    finish_session();
    return;
  }
  if (said.length) {
    const text = said.join(' ');
    announce(elements.announcer, text);
    speak(text);
    vibrate(hold_rule ? [400, 150, 400] : latest_cue ? [250] : [120]);
  }
  render_session();
}

function show_step(hold_rule) {
  const {plan, state} = session;
  const step = plan.steps[state.step];
  const {map, instructions} = render_instructions(plan, state.step);
  $('step-count').textContent = `Step ${state.step + 1} of ${plan.steps.length}`;
  $('step-title').textContent = step.title;
  $('step-map').replaceChildren(...[map].filter(Boolean));
  $('step-instructions').replaceChildren(...instructions.filter(Boolean));
  elements.timer.hidden = step.kind !== 'treat';
  $('stage').classList.toggle('stage-map-only', step.kind !== 'treat');
  elements.cue.textContent = '';
  if (step.kind === 'treat') {
    const fraction = step.max_hold_seconds > 0 ? step.min_hold_seconds / step.max_hold_seconds : 0;
    elements.ring_min.setAttribute('transform', `rotate(${(fraction * 360).toFixed(1)} 60 60)`);
  }
  if (hold_rule) {
    elements.rule_notice.replaceChildren(...render_rule_notice(plan, hold_rule, `rule-${state.step}`));
    elements.rule_notice.hidden = false;
  } else {
    elements.rule_notice.hidden = true;
    elements.rule_notice.replaceChildren();
  }
  close_stop_panel();
}

// Scrolls the site header away, so that the step, the cue and the timer fill the screen.
function bring_step_into_view() {
  $('session').scrollIntoView({block: 'start'});
}

function render_session() {
  if (!session || $('session').hidden) return;
  const {plan, state} = session;
  const now = Date.now();
  const view = coach.view(plan, state, now);
  const step = plan.steps[state.step];
  const paused = state.phase === 'paused';
  elements.pause.textContent = paused ? 'Resume' : 'Pause';
  elements.pause.disabled = step.kind !== 'treat';
  elements.back.disabled = state.step === 0;
  elements.next.textContent = state.step + 1 === plan.steps.length ? 'Finish' : 'Next';
  $('session').classList.toggle('is-paused', paused);
  if (step.kind !== 'treat') {
    elements.hold_status.textContent = paused ? 'Paused.' : '';
    return;
  }
  const max_ms = step.max_hold_seconds * 1000;
  const remaining = Math.ceil(view.remaining_ms / 1000);
  elements.countdown.textContent = minutes_seconds(remaining);
  elements.countdown_label.textContent = paused ? 'paused' : 'left';
  elements.ring_progress.setAttribute('stroke-dashoffset', (100 - (100 * view.held_ms) / max_ms).toFixed(2));
  const held = minutes_seconds(Math.floor(view.held_ms / 1000));
  elements.hold_status.textContent = paused ? `Paused at ${held}.`
    : view.remaining_ms <= 0 ? `${held} held: lift the gun off and go on.`
      : view.min_reached ? `Held ${held}. You may go on now, or hold up to ${minutes_seconds(step.max_hold_seconds)}.`
        : `Held ${held}. Hold at least ${minutes_seconds(step.min_hold_seconds)}.`;
  const cue = view.cue?.text ?? '';
  if (elements.cue.textContent !== cue) elements.cue.textContent = cue;
}

function show_session() {
  show_screen('session');
  show_step(null);
  render_session();
  bring_step_into_view();
}

function render_stop_rules() {
  const {plan} = session;
  $('stop-rules').replaceChildren(...plan.stop_rules.map((rule) => {
    const button = h('button', {type: 'button', class: 'button button-danger button-block stop-rule',
                                'data-rule': rule.id},
      `Stop: ${rule.label.charAt(0).toLowerCase()}${rule.label.slice(1)}`,
      rule.ends === 'hold' ? h('span', {class: 'stop-rule-ends'}, ' (ends this hold)') : null);
    button.addEventListener('click', () => apply(coach.stop_rule(session.plan, session.state, Date.now(), rule.id)));
    return button;
  }));
}

function open_stop_panel() {
  render_stop_rules();
  elements.stop_panel.hidden = false;
  elements.stop.setAttribute('aria-expanded', 'true');
  elements.stop_panel.querySelector('button')?.focus();
}

function close_stop_panel({focus = false} = {}) {
  elements.stop_panel.hidden = true;
  elements.stop.setAttribute('aria-expanded', 'false');
  if (focus) elements.stop.focus();
}

// --- After the session ------------------------------------------------------------------------

function finish_session() {
  const {plan, state} = session;
  vibrate([500]);
  if (state.red_flags.length > 0) {
    $('red-flag-body').replaceChildren(...render_red_flags(plan, state.red_flags).flat());
    show_screen('red-flag');
    $('red-flag-title').focus();
    save({pain_after: null, status: $('red-flag-saved')});
    return;
  }
  const rule = plan.stop_rules.find((r) => r.id === state.stop_rule);
  const title = state.phase === 'finished' ? 'Well done: the session is over'
    : rule ? 'Session stopped' : 'Session ended early';
  $('after-title').textContent = title;
  $('after-notice').replaceChildren(...(rule
    ? [h('div', {class: 'rule-notice', role: 'alert'}, render_rule_notice(plan, rule, 'after-rule'))] : []));
  $('pain-after-tiles').replaceChildren(...pain_tiles('pain-after'));
  after_errors.clear();
  show_screen('after');
  const text = rule ? `${title}. ${rule.text}` : `${title}. Rate your pain now.`;
  announce(elements.announcer, text);
  speak(text);
  $('after-title').focus();
}

function submit_after(event) {
  event.preventDefault();
  after_errors.clear();
  const pain_after = checked(elements.after_form, 'pain-after');
  if (pain_after === null) {
    after_errors.show_at('/pain_after', 'Choose a number from 0 (no pain) to 10 (worst pain imaginable).');
    return;
  }
  save({pain_after: Number(pain_after), status: null});
}

// Sends the session; on success forgets it here and shows the summary (or, after a warning
// sign, says it was saved). On failure it stays stored, with a Try again.
async function save({pain_after, status}) {
  const {plan, state} = session;
  const body = {
    started_at: rfc3339_local(Math.floor(state.started_at_ms / 1000) * 1000),
    ended_at: rfc3339_local(Math.ceil(state.ended_at_ms / 1000) * 1000),
    pain_before: session.pain_before,
    pain_after,
    record: coach.session_record(plan, state),
  };
  if (session.triage_id !== null && session.triage_id !== undefined) body.triage_id = session.triage_id;
  const button = $('save');
  button.disabled = true;
  let stored;
  try {
    stored = await post_session(body);
  } catch (error) {
    if (sign_in_if_needed(error)) return;
    const retry = h('button', {type: 'button', class: 'button'}, 'Try again');
    retry.addEventListener('click', () => save({pain_after, status}));
    const detail = error instanceof ApiError && error.detail ? sentence(error.detail) : error.message;
    if (status) status.replaceChildren('The session could not be saved. ', detail, ' ', retry);
    else after_errors.show_box(h('p', {}, 'The session could not be saved. ', detail), h('p', {}, retry));
    return;
  } finally {
    button.disabled = false;
  }
  forget_session();
  const finished = session;
  session = null;
  if (status) {
    status.textContent = 'This stopped session is saved in your diary.';
    return;
  }
  await show_summary(finished, stored, pain_after);
}

async function show_summary(finished, stored, pain_after) {
  let earlier = [];
  try {
    earlier = (await fetch_sessions()).filter((s) => s.id !== stored?.id);
  } catch {
    earlier = [];
  }
  const current = {pain_before: finished.pain_before, pain_after,
                   outcome: coach.session_record(finished.plan, finished.state).outcome};
  $('summary-body').replaceChildren(...render_summary(finished.plan, current, earlier).flat().filter(Boolean));
  show_screen('summary');
  $('summary-title').focus();
}

async function start_again() {
  session = null;
  forget_session();
  try {
    await prepare_start();
  } catch (error) {
    if (!sign_in_if_needed(error)) show_load_error(elements.load_error, 'The session could not be set up', error, load);
    return;
  }
  elements.start_form.reset();
  show_own_choice();
  if (last_triage) $('source-triage').checked = true;
  show_screen('start');
  $('main').focus();
}

// --- Loading ---------------------------------------------------------------------------------

function resume(stored) {
  session = stored;
  const phase = session.state.phase;
  if (phase === 'recheck') {
    show_prepare();
  } else if (phase === 'running' || phase === 'paused') {
    show_session();
    announce(elements.announcer, `Session resumed at step ${session.state.step + 1}: ` +
      `${session.plan.steps[session.state.step].title}.`);
  } else {
    finish_session();
  }
}

async function load() {
  elements.load_error.hidden = true;
  set_status(elements.status, 'Getting your session ready…', {loading: true});
  try {
    user = await fetch_me();
    if (user === null) {
      go_to_sign_in('coach');
      return;
    }
    const stored = load_session(user.id);
    if (stored) {
      set_status(elements.status, '');
      resume(stored);
      return;
    }
    await prepare_start();
  } catch (error) {
    if (sign_in_if_needed(error)) return;
    set_status(elements.status, '');
    show_load_error(elements.load_error, 'The session could not be set up', error, () => load());
    return;
  }
  set_status(elements.status, '');
  show_screen('start');
}

elements.start_form.addEventListener('submit', submit_start);
for (const input of elements.start_form.querySelectorAll('input[name="source"]')) {
  input.addEventListener('change', show_own_choice);
}
elements.recheck_form.addEventListener('submit', submit_recheck);
$('change-choice').addEventListener('click', () => start_again());
elements.after_form.addEventListener('submit', submit_after);
$('again').addEventListener('click', () => start_again());
elements.pause.addEventListener('click', () => {
  const now = Date.now();
  apply(session.state.phase === 'paused' ? coach.resume(session.plan, session.state, now)
    : coach.pause(session.plan, session.state, now));
  const text = session?.state.phase === 'paused' ? 'Paused.' : 'Going on.';
  announce(elements.announcer, text);
});
elements.next.addEventListener('click', () => apply(coach.next(session.plan, session.state, Date.now())));
elements.back.addEventListener('click', () => apply(coach.back(session.plan, session.state, Date.now())));
elements.stop.addEventListener('click', () => {
  if (elements.stop_panel.hidden) open_stop_panel();
  else close_stop_panel({focus: true});
});
$('stop-cancel').addEventListener('click', () => close_stop_panel({focus: true}));
elements.stop_panel.addEventListener('keydown', (event) => {
  if (event.key === 'Escape') close_stop_panel({focus: true});
});
$('end-session').addEventListener('click', () => apply(coach.stop(session.plan, session.state, Date.now())));
elements.mute.addEventListener('click', () => {
  const muted = !is_muted();
  set_muted(muted);
  elements.mute.setAttribute('aria-pressed', String(muted));
});
elements.mute.setAttribute('aria-pressed', String(is_muted()));
// A source marker opens the closed "Sources" list it points into.
document.addEventListener('click', (event) => {
  const link = event.target.closest?.('a.cite');
  if (link) document.getElementById(link.hash.slice(1))?.closest('details')?.setAttribute('open', '');
});
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') on_tick();
});
// The clinic's contact details, ready for the red-flag screen and the summary.
load_clinic();
load();
