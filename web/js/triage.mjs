// The HipCoach triage page: asks the questions one per screen, keeps the answers across a
// reload, sends them to the server and shows the result, the level of care first.

import {ApiError} from './api.mjs';
import {clinic_call, emergency_number, fill_emergency_numbers, load_clinic} from './clinic.mjs';
import {is_staff} from './staff-nav.mjs';
import {fetch_questions, post_answers} from './triage-api.mjs';
import {kQuestionTitleId, kResultTitleId, render_question, render_result, render_submit_error}
  from './triage-render.mjs';
import {forget_saved_check, render_save_panel} from './triage-save.mjs';
import {answers_body, check_answer, clear_state, first_unanswered, kOrderedQuestion, load_state, save_state}
  from './triage-state.mjs';
import {fetch_me} from './user-api.mjs';

const kProtocolPage = 'index.html';

const elements = {
  intro: document.getElementById('intro'),
  status: document.getElementById('status'),
  load_error: document.getElementById('load-error'),
  questionnaire: document.getElementById('questionnaire'),
  submit_error: document.getElementById('submit-error'),
  result: document.getElementById('result'),
};

let questions = null;
let state = {step: 0, answers: {}};
let screen = null;
// Who is signed in (null when nobody is, or when that cannot be told): the result then offers
// to save the check to their record, or says what signing in allows.
let account = null;

function set_status(text) {
  elements.status.textContent = text;
  elements.status.classList.toggle('loading', Boolean(text));
}

function hide_all() {
  elements.load_error.hidden = true;
  elements.questionnaire.hidden = true;
  elements.submit_error.hidden = true;
  elements.result.hidden = true;
}

// Moves focus to the heading with `id` (not on the first screen after loading, so that a
// screen reader starts at the top of the page), and brings `scroll_to` into view.
function focus_heading(id, scroll_to, {focus}) {
  if (!focus) return;
  const heading = document.getElementById(id);
  heading?.focus({preventScroll: true});
  (scroll_to ?? heading)?.scrollIntoView({block: 'start'});
}

function go_to(step, {focus = true} = {}) {
  state.step = step;
  save_state(state);
  if (step >= questions.length) {
    submit({focus});
    return;
  }
  show_question({focus});
}

function show_question({focus}) {
  const index = state.step;
  const question = questions[index];
  hide_all();
  set_status('');
  elements.intro.hidden = false;
  screen = render_question(question, {
    index,
    total: questions.length,
    answer: state.answers[question.id],
    on_change: (answer) => {
      state.answers[question.id] = answer;
      save_state(state);
      screen.clear_error();
    },
    on_next: () => {
      const checked = check_answer(question, state.answers[question.id]);
      if (!checked.ok) {
        screen.show_error(checked.message);
        return;
      }
      go_to(index + 1);
    },
    on_back: () => go_to(index - 1),
    on_restart: restart,
  });
  elements.questionnaire.replaceChildren(screen.form);
  elements.questionnaire.hidden = false;
  document.title = `Question ${index + 1} of ${questions.length} · HipCoach`;
  focus_heading(kQuestionTitleId, elements.questionnaire, {focus});
}

function restart() {
  clear_state();
  forget_saved_check();
  state = {step: 0, answers: {}};
  go_to(0);
}

// Returns the question that a problem's `where` ("/pain_now" or "/locations/1") points to.
function question_at(where) {
  const id = /^\/([^/]+)/.exec(where ?? '')?.[1];
  return questions.find((question) => question.id === id) ?? null;
}

let submission = 0;

async function submit({focus}) {
  const first = first_unanswered(questions, state.answers);
  if (first < questions.length) {
    go_to(first, {focus});
    return;
  }
  const mine = ++submission;
  hide_all();
  elements.intro.hidden = true;
  set_status('Checking your answers…');
  document.title = 'Checking your answers · HipCoach';
  try {
    const answers = answers_body(questions, state.answers);
    const result = await post_answers(answers);
    if (mine !== submission) return;
    show_result(result, answers);
  } catch (error) {
    if (mine !== submission) return;
    console.error(error);
    show_submit_error(error, {focus});
  }
}

// Returns the answers in words: [{prompt, text}].
function answers_in_words() {
  return questions.map((question) => {
    const answer = state.answers[question.id];
    const label = (value) => question.options?.find((option) => option.value === value)?.label ?? value;
    let text;
    if (question.type === 'integer') text = [answer.trim(), question.unit].filter(Boolean).join(' ');
    else if (question.type === 'choice') text = label(answer);
    else if (answer.values.length === 0) text = question.none_label || 'None of these';
    else {
      text = answer.values.map((value, index) => (index === 0 && question.id === kOrderedQuestion
        ? `${label(value)} (main place)` : label(value))).join(', ');
    }
    return {prompt: question.prompt, text};
  });
}

function show_result(result, answers) {
  set_status('');
  elements.result.replaceChildren(render_result(result, {
    protocol_page: kProtocolPage,
    answers: answers_in_words(),
    // Staff use the portal; saving a check is for the person whose hip it is.
    save_panel: is_staff(account) ? null : render_save_panel(result, answers, account),
    on_print: () => window.print(),
    on_change_answers: () => go_to(questions.length - 1),
    on_restart: restart,
  }));
  elements.result.hidden = false;
  document.title = 'Your result · HipCoach';
  // Always move focus here, also after a reload: the result is what the person asked for.
  focus_heading(kResultTitleId, elements.result, {focus: true});
}

function show_submit_error(error, {focus}) {
  set_status('');
  const api_error = error instanceof ApiError ? error
    : new ApiError('Something went wrong while checking your answers.');
  const question = question_at(api_error.where);
  elements.submit_error.replaceChildren(...render_submit_error(api_error, {
    question,
    on_retry: () => submit({focus: true}),
    on_go_to_question: () => go_to(question ? questions.indexOf(question) : questions.length - 1),
  }));
  elements.submit_error.hidden = false;
  document.title = 'Your answers could not be checked · HipCoach';
  focus_heading('submit-error-title', null, {focus});
}

function show_load_error(error) {
  set_status('');
  const message = error instanceof ApiError ? error.message : 'Something went wrong while loading the questions.';
  const retry = document.createElement('button');
  retry.type = 'button';
  retry.className = 'button';
  retry.textContent = 'Try again';
  retry.addEventListener('click', () => load());
  const heading = document.createElement('h2');
  heading.textContent = 'The questions could not be loaded';
  const paragraphs = [message, error?.detail].filter(Boolean).map((text) => {
    const p = document.createElement('p');
    p.textContent = text;
    return p;
  });
  const advice = document.createElement('p');
  advice.append('If your hip pain is severe or getting worse, do not wait for this page: contact your ' +
    'clinician.', clinic_call(), ' In an emergency, call ', emergency_number(), '.');
  paragraphs.push(advice);
  const actions = document.createElement('p');
  actions.append(retry);
  elements.load_error.replaceChildren(heading, ...paragraphs, actions);
  elements.load_error.hidden = false;
}

async function load() {
  hide_all();
  set_status('Loading the questions…');
  try {
    // The clinic's contact details too, so that a restored result shows them at once.
    // Who is signed in never stops the questions: without an answer, the result offers to sign in.
    [questions, , account] = await Promise.all([fetch_questions(), load_clinic(),
                                                fetch_me().catch(() => null)]);
  } catch (error) {
    console.error(error);
    show_load_error(error);
    return;
  }
  state = load_state(questions);
  go_to(state.step, {focus: false});
}

fill_emergency_numbers();
load();
