// Builds the triage page's screens: one question with its answers, and the result.
// Text from the API only ever goes into text nodes and attributes (see dom.mjs).

import {clinic_box, clinic_call, emergency_number, local_number_note} from './clinic.mjs';
import {h} from './dom.mjs';
import {Citations} from './render.mjs';
import {kOrderedQuestion} from './triage-state.mjs';

export const kQuestionTitleId = 'question-title';
export const kResultTitleId = 'result-title';

function help_paragraph(id, text, class_name) {
  return text ? h('p', {id, class: class_name}, text) : null;
}

function error_paragraph() {
  return h('p', {id: 'answer-error', class: 'field-error', hidden: true});
}

function option_id(value) {
  return `option-${value.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}

function integer_field(question, answer, on_change) {
  const help = help_paragraph('question-help', question.help, 'question-help');
  const hint = h('p', {id: 'answer-hint', class: 'field-hint'},
    `A whole number from ${question.min} to ${question.max}.`);
  const input = h('input', {
    id: 'answer-input', class: 'integer-input', type: 'text', inputmode: 'numeric', autocomplete: 'off',
    spellcheck: 'false', maxlength: 4,
    'aria-describedby': ['question-help', 'answer-hint', 'answer-error'].filter((id) => id !== 'question-help' || help)
      .join(' '),
  });
  input.value = typeof answer === 'string' ? answer : '';
  input.addEventListener('input', () => on_change(input.value));
  const body = h('div', {class: 'question question-integer'},
    h('h2', {id: kQuestionTitleId, tabindex: '-1', class: 'question-title'},
      h('label', {for: 'answer-input'}, question.prompt)),
    help,
    hint,
    error_paragraph(),
    h('div', {class: 'integer-field'}, input,
      question.unit ? h('span', {class: 'integer-unit'}, question.unit) : null));
  return {body, first_control: input};
}

function option_row({type, name, id, value, label, help, checked}) {
  const help_id = `${id}-help`;
  const input = h('input', {type, name, id, value, class: 'option-input',
                            'aria-describedby': help ? help_id : null});
  input.checked = checked;
  const badge = h('span', {class: 'main-badge', hidden: true}, 'Main place');
  const row = h('div', {class: 'option'},
    input,
    h('label', {for: id, class: 'option-label'}, h('span', {class: 'option-text'}, label), ' ', badge),
    help ? h('p', {id: help_id, class: 'option-help'}, help) : null);
  return {row, input, badge};
}

function choice_field(question, answer, on_change) {
  const rows = question.options.map((option) => option_row({
    type: 'radio', name: 'answer', id: option_id(option.value), value: option.value,
    label: option.label, help: option.help, checked: answer === option.value,
  }));
  for (const {input} of rows) input.addEventListener('change', () => on_change(input.value));
  return {body: h('div', {class: 'options'}, rows.map((r) => r.row)), first_control: rows[0]?.input};
}

// The tick boxes, plus the explicit "none of these" box that clears the others. For
// locations, the first place ticked is marked as the main place; any other ticked place can
// be made the main one with its own button.
function multi_choice_field(question, answer, on_change) {
  const ordered = question.id === kOrderedQuestion;
  const state = {values: [...(answer?.values ?? [])], none: Boolean(answer?.none)};
  const labels = new Map(question.options.map((option) => [option.value, option.label]));
  const rows = question.options.map((option) => {
    const row = option_row({
      type: 'checkbox', name: 'answer', id: option_id(option.value), value: option.value,
      label: option.label, help: option.help, checked: state.values.includes(option.value),
    });
    if (ordered) {
      row.make_main = h('button', {type: 'button', class: 'make-main', hidden: true,
                                   'aria-label': `Make this my main place: ${option.label}`},
        'Make this my main place');
      row.row.append(row.make_main);
    }
    return {...row, value: option.value};
  });
  // A question without a none_label (where it hurts) must have at least one answer ticked.
  const none = question.none_label
    ? option_row({type: 'checkbox', name: 'answer-none', id: 'option-none', value: '',
                  label: question.none_label, help: '', checked: state.none})
    : null;
  const summary = ordered ? h('p', {class: 'order-summary', 'aria-live': 'polite'}) : null;

  const show_order = () => {
    if (!ordered) return;
    for (const row of rows) {
      const main = state.values[0] === row.value;
      row.badge.hidden = !main;
      row.row.classList.toggle('option-main', main);
      row.make_main.hidden = main || !state.values.includes(row.value);
    }
    summary.replaceChildren(...(state.values.length === 0 ? [] : [
      h('strong', {}, 'Your main place: '), labels.get(state.values[0]), '.',
      state.values.length > 1 ? ` Also: ${state.values.slice(1).map((v) => labels.get(v)).join(', ')}.` : '',
    ]));
  };
  const changed = () => {
    show_order();
    on_change({values: [...state.values], none: state.none});
  };

  for (const row of rows) {
    row.input.addEventListener('change', () => {
      state.values = state.values.filter((value) => value !== row.value);
      if (row.input.checked) {
        state.values.push(row.value);
        state.none = false;
        if (none) none.input.checked = false;
      }
      changed();
    });
    row.make_main?.addEventListener('click', () => {
      state.values = [row.value, ...state.values.filter((value) => value !== row.value)];
      changed();
      // The button hides itself now; keep the keyboard user on the same place.
      row.input.focus();
    });
  }
  none?.input.addEventListener('change', () => {
    state.none = none.input.checked;
    if (state.none) {
      state.values = [];
      for (const row of rows) row.input.checked = false;
    }
    changed();
  });
  show_order();

  const body = h('div', {class: 'options'},
    ordered ? h('p', {class: 'field-hint'},
      'The first place you tick is marked “Main place”. To change it, use “Make this my main place”.') : null,
    rows.map((r) => r.row),
    none ? [h('p', {class: 'options-or'}, 'or'), none.row] : null,
    summary);
  return {body, first_control: rows[0]?.input};
}

// Returns {form, show_error(message), clear_error()} for question `index` of `total`.
//   answer: the answer kept so far (see triage-state.mjs), or undefined
//   on_change(answer): called on every change
//   on_next(), on_back(), on_restart(): the buttons; Back is left out on the first question
export function render_question(question, {index, total, answer, on_change, on_next, on_back, on_restart}) {
  const field = question.type === 'integer' ? integer_field(question, answer, on_change)
    : question.type === 'choice' ? choice_field(question, answer, on_change)
      : multi_choice_field(question, answer, on_change);

  let content;
  if (question.type === 'integer') {
    content = field.body;
  } else {
    const help = help_paragraph('question-help', question.help, 'question-help');
    content = h('fieldset', {class: `question question-${question.type.replace('_', '-')}`,
                             'aria-describedby': [help ? 'question-help' : null, 'answer-error'].filter(Boolean)
                               .join(' ')},
      h('legend', {class: 'question-legend'},
        h('h2', {id: kQuestionTitleId, tabindex: '-1', class: 'question-title'}, question.prompt)),
      help,
      error_paragraph(),
      field.body);
  }

  const last = index === total - 1;
  const back = index > 0 ? h('button', {type: 'button', class: 'button button-secondary', id: 'back'}, 'Back') : null;
  back?.addEventListener('click', on_back);
  const restart = h('button', {type: 'button', class: 'button-link', id: 'restart'}, 'Start again');
  restart.addEventListener('click', on_restart);

  const form = h('form', {class: 'question-form', novalidate: true, 'aria-labelledby': kQuestionTitleId},
    h('div', {class: 'progress'},
      h('p', {class: 'progress-label', id: 'progress-label'}, `Question ${index + 1} of ${total}`),
      h('progress', {class: 'progress-bar', max: total, value: index + 1, 'aria-hidden': 'true'})),
    content,
    h('div', {class: 'question-actions'},
      back,
      h('button', {type: 'submit', class: 'button button-next', id: 'next'}, last ? 'See my result' : 'Next')),
    h('p', {class: 'restart'}, restart, ' ', h('span', {class: 'restart-note'}, 'clears all your answers.')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    on_next();
  });

  const error = form.querySelector('#answer-error');
  const show_error = (message) => {
    error.replaceChildren(h('span', {class: 'visually-hidden'}, 'Error: '), message);
    error.hidden = false;
    form.classList.add('has-error');
    for (const input of form.querySelectorAll('input')) input.setAttribute('aria-invalid', 'true');
    field.first_control?.focus();
  };
  const clear_error = () => {
    if (error.hidden) return;
    error.hidden = true;
    error.replaceChildren();
    form.classList.remove('has-error');
    for (const input of form.querySelectorAll('input')) input.removeAttribute('aria-invalid');
  };
  return {form, show_error, clear_error};
}

const kDispositionText = {
  urgent: {
    title: 'Get medical care today',
    lead: 'Your answers include a reason to be seen by a doctor today. Do not start the self-treatment.',
    steps: [
      () => [h('strong', {}, 'If it is an emergency, call ', emergency_number()), local_number_note(), ' or go to ' +
        'the nearest emergency department now. For example: you cannot stand or walk on the leg after a fall, ' +
        'your leg looks shorter or turned out, or the area between your legs is numb or your bladder or ' +
        'bowels have changed.'],
      [h('strong', {}, 'Otherwise, call the clinic or your doctor today'), ' and tell them your answers. ' +
        'If you cannot get an appointment today, go to an urgent care centre.'],
    ],
  },
  soon: {
    title: 'Book an appointment with a clinician within days',
    lead: 'Your answers include a reason to have your hip checked by a doctor or physical therapist in ' +
      'the next few days.',
    steps: [
      [h('strong', {}, 'Call the clinic or your doctor to book.'), ' Tell them your answers.'],
      ['If, before then, you cannot put weight on the leg, the pain suddenly gets much worse, or you get ' +
        'a fever or feel unwell, ', h('strong', {}, 'get medical care the same day.')],
    ],
  },
  self_care: {
    title: 'Self-care is a reasonable start',
    lead: 'None of your answers is a reason to see a clinician first. You can start with the clinic’s ' +
      'self-treatment guide.',
    steps: [
      ['Stop and get checked if the pain gets worse, does not get better, or if any of the reasons to get ' +
        'checked comes up later.'],
    ],
  },
};

function disposition_banner(result) {
  const text = kDispositionText[result.disposition];
  const urgent = result.disposition === 'urgent';
  return h('section', {class: `disposition disposition-${result.disposition.replace('_', '-')}`,
                       role: urgent ? 'alert' : null, 'aria-labelledby': kResultTitleId},
    h('p', {class: 'disposition-kicker'}, 'Your result'),
    h('h2', {id: kResultTitleId, tabindex: '-1', class: 'disposition-title'},
      urgent ? h('span', {class: 'disposition-icon', 'aria-hidden': 'true'}, '!') : null, text.title),
    h('p', {class: 'disposition-lead'}, text.lead),
    h('ul', {class: 'disposition-steps'},
      text.steps.map((step) => h('li', {}, typeof step === 'function' ? step() : step))));
}

function section(id, title, ...children) {
  return h('section', {class: `result-section result-${id}`, 'aria-labelledby': `result-${id}-title`},
    h('h2', {id: `result-${id}-title`}, title), children);
}

function cited(citations, tag, value, attributes = {}) {
  return h(tag, attributes, value.text, citations.markers(value.cite));
}

// Returns the result screen: the level of care first, then why, where to start, the
// cautions, the advice, the note that this is not a diagnosis, the sources and the buttons.
//   protocol_page: the address of the protocol page, to which '#group-id' is added
//   answers: [{prompt, text}], the answers given, in words, to show and print
//   save_panel: the "Save this check to my record" panel (triage-save.mjs), or null
export function render_result(result, {protocol_page, answers, save_panel = null, on_print, on_change_answers,
                                       on_restart}) {
  const citations = new Citations('result', result.sources);

  const reasons = result.reasons.filter((reason) => reason?.text);
  const why = result.article_applies
    ? section('why', 'Why', h('ul', {class: 'reason-list'}, reasons.map((r) => cited(citations, 'li', r))))
    : section('why', 'Why the clinic’s self-treatment guide does not fit you now',
      h('p', {class: 'not-applies'}, 'The clinic’s self-treatment guide is not right for you at the moment, ' +
        'for the reasons below. Do not start it until a clinician has checked your hip.'),
      h('ul', {class: 'reason-list'}, reasons.map((r) => cited(citations, 'li', r))));

  const groups = result.groups.length === 0 ? null : section('groups', 'Muscle groups to start with',
    h('p', {}, result.groups.length > 1
      ? 'Start with the first muscle group. Each link opens its step-by-step guide.'
      : 'This link opens its step-by-step guide.'),
    h('ol', {class: 'suggestion-list'}, result.groups.map((group, index) => h('li', {class: 'suggestion'},
      h('h3', {class: 'suggestion-title'},
        h('a', {href: `${protocol_page}#${encodeURIComponent(group.id)}`, class: 'suggestion-link'}, group.name),
        index === 0 && result.groups.length > 1 ? [' ', h('span', {class: 'start-badge'}, 'Start here')] : null),
      (group.reasons ?? []).length
        ? h('ul', {class: 'reason-list'}, group.reasons.map((r) => cited(citations, 'li', r)))
        : null))));

  const cautions = result.cautions.length === 0 ? null : section('cautions', 'Before you use a massage gun',
    h('ul', {class: 'caution-list'}, result.cautions.map((caution) => h('li', {class: 'caution'},
      cited(citations, 'p', caution),
      caution.instead ? h('p', {class: 'caution-instead'}, h('strong', {}, 'What to do instead: '), caution.instead)
        : null))));

  const advice = result.advice.length === 0 ? null : section('advice', 'Advice for your hip',
    result.advice.map((item) => h('section', {class: 'advice', 'aria-labelledby': `advice-${item.rule}-title`},
      h('h3', {id: `advice-${item.rule}-title`}, item.title),
      (item.statements ?? []).map((statement) => cited(citations, 'p', statement)))));

  const note = h('section', {class: 'notice result-notice', 'aria-labelledby': 'result-notice-title'},
    h('h2', {id: 'result-notice-title'}, 'This is not a diagnosis'),
    h('p', {}, 'HipCoach sorts your answers by a clinic’s published rules. It cannot tell what is causing your ' +
      'pain and does not replace an examination. If you are worried, or your pain changes, contact your ' +
      'clinician whatever this page says.'));

  const given = (answers ?? []).length === 0 ? null : section('answers', 'Your answers',
    h('dl', {class: 'answer-list'}, answers.map(({prompt, text}) => h('div', {class: 'answer'},
      h('dt', {}, prompt), h('dd', {}, text)))));

  const sources = section('sources', 'Sources', citations.list());

  const print = h('button', {type: 'button', class: 'button', id: 'print'}, 'Print');
  print.addEventListener('click', on_print);
  const change = h('button', {type: 'button', class: 'button button-secondary', id: 'change-answers'},
    'Change my answers');
  change.addEventListener('click', on_change_answers);
  const restart = h('button', {type: 'button', class: 'button-link', id: 'restart'}, 'Start again');
  restart.addEventListener('click', on_restart);

  // Who to call comes right after the level of care when that is to see a clinician.
  const contact = clinic_box({heading: 'h2', id: 'result-clinic', extra_class: 'notice'});
  const self_care = result.disposition === 'self_care';

  return h('div', {class: 'result'},
    disposition_banner(result),
    self_care ? null : contact,
    why,
    groups,
    cautions,
    advice,
    save_panel,
    note,
    self_care ? contact : null,
    given,
    sources,
    h('div', {class: 'result-actions'}, print, change, restart));
}

// Returns the alert shown when the answers could not be sent or checked.
//   question: the question the server's `where` points to, or null
export function render_submit_error(error, {question, on_retry, on_go_to_question}) {
  const retry = h('button', {type: 'button', class: 'button', id: 'retry'}, 'Try again');
  retry.addEventListener('click', on_retry);
  const go = h('button', {type: 'button', class: 'button button-secondary', id: 'go-to-question'},
    question ? `Change your answer to “${question.prompt}”` : 'Change my answers');
  go.addEventListener('click', on_go_to_question);
  return [
    h('h2', {id: 'submit-error-title', tabindex: '-1'}, 'Your answers could not be checked'),
    h('p', {}, error.message),
    error.detail ? h('p', {class: 'error-detail'}, error.detail, error.where ? ` (at ${error.where})` : '') : null,
    h('p', {}, 'If your hip pain is severe or getting worse, do not wait for this page: contact your clinician.',
      clinic_call(), ' In an emergency, call ', emergency_number(), '.'),
    h('p', {class: 'error-actions'}, retry, ' ', go),
  ];
}
