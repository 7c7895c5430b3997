// The questionnaire page: the list of questionnaires (#), one questionnaire as a compact form
// (#lefs), and its score after sending. The hash names what is shown, so that Back works.
// Patient-named items (PSFS) let the person name min_count..max_count activities.
// Anyone may read the questionnaires; sending answers needs a session.

import {ApiError} from './api.mjs';
import {h} from './dom.mjs';
import {direction_sentence, threshold_items} from './measures.mjs';
import {Citations} from './render.mjs';
import {FormErrors, format_number, set_status, show_load_error} from './ui.mjs';
import {fetch_me, fetch_questionnaires, submit_response} from './user-api.mjs';

const $ = (id) => document.getElementById(id);
const elements = {status: $('status'), load_error: $('load-error'), view: $('view'), intro: $('intro')};

let catalogue = null;
let signed_in = false;

const kSignInHref = 'account.html?next=questionnaire';

function short_name(questionnaire) {
  return /\(([^)]+)\)\s*$/.exec(questionnaire.name)?.[1] ?? questionnaire.name;
}

function describe_items(questionnaire) {
  const {scale} = questionnaire;
  const range = scale ? `, each rated from ${scale.min} to ${scale.max}` : '';
  if (questionnaire.patient_items) {
    const {min_count: min, max_count: max} = questionnaire.patient_items;
    return `${min === max ? min : `${min} to ${max}`} activities that you name${range}.`;
  }
  const count = questionnaire.items?.length ?? 0;
  if (count === 1) return scale ? `1 question, rated from ${scale.min} to ${scale.max}.` : '1 question.';
  return `${count} questions${range}.`;
}

function render_list() {
  document.title = 'Questionnaires · HipCoach';
  const notice = signed_in ? null : h('div', {class: 'notice'},
    h('p', {}, 'You can read the questionnaires now. To answer one and keep your score, ',
      h('a', {href: kSignInHref}, 'sign in or create an account'), '.'));
  const cards = catalogue.questionnaires.map((questionnaire) => h('li', {class: 'panel questionnaire-card'},
    h('h2', {id: `card-${questionnaire.id}`}, questionnaire.name),
    h('p', {}, describe_items(questionnaire)),
    h('p', {class: 'form-actions'},
      h('a', {class: 'button', href: `#${encodeURIComponent(questionnaire.id)}`,
              'aria-describedby': `card-${questionnaire.id}`},
        signed_in ? `Answer the ${short_name(questionnaire)}` : `Read the ${short_name(questionnaire)}`))));
  return [notice, catalogue.questionnaires.length === 0
    ? h('p', {}, 'The clinic offers no questionnaires yet.')
    : h('ul', {class: 'card-list'}, cards)];
}

function scale_values(scale) {
  const values = [];
  for (let value = scale.min; value <= scale.max; ++value) values.push(value);
  return values;
}

function anchors_of(scale) {
  return new Map((scale.anchors ?? []).map((anchor) => [anchor.value, anchor.label]));
}

// True when every answer has its own words (the LEFS), which are then listed once above the
// items and shown under each item for the answer chosen.
function every_value_labelled(scale) {
  const anchors = anchors_of(scale);
  return scale_values(scale).every((value) => anchors.has(value));
}

// Returns the key to a scale whose every value has words: "0 Extreme difficulty ...".
function scale_key(scale) {
  const anchors = anchors_of(scale);
  return h('div', {class: 'scale-key'},
    h('p', {class: 'scale-key-title'}, 'The answers'),
    h('ul', {}, scale_values(scale).map((value) => h('li', {},
      h('span', {class: 'option-value'}, String(value)), ' ', anchors.get(value)))));
}

// Returns a group of radio tiles for one rating; `name` is the radio group's name. Each tile's
// accessible name carries the words of its value, where the scale has them.
function rating_choices(scale, name) {
  const anchors = anchors_of(scale);
  const values = scale_values(scale);
  const columns = values.length > 6 ? 'pain-tiles' : `tiles-${values.length}`;
  const tiles = h('div', {class: `tiles ${columns}`}, values.map((value) => {
    const id = `${name}-${value}`;
    return [h('input', {type: 'radio', id, name, value: String(value), class: 'tile-input'}),
            h('label', {for: id, class: 'tile'}, String(value),
              anchors.has(value) ? h('span', {class: 'visually-hidden'}, `, ${anchors.get(value)}`) : null)];
  }));
  if (every_value_labelled(scale)) {
    const meaning = h('p', {class: 'choice-meaning', 'aria-hidden': 'true'});
    tiles.addEventListener('change', (event) => {
      meaning.textContent = anchors.get(Number(event.target.value)) ?? '';
    });
    return [tiles, meaning];
  }
  return [
    tiles,
    h('p', {class: 'scale-anchors', 'aria-hidden': 'true'},
      h('span', {}, `${scale.min} ${anchors.get(scale.min) ?? ''}`.trim()), ' ',
      h('span', {}, `${scale.max} ${anchors.get(scale.max) ?? ''}`.trim())),
  ];
}

function item_fieldset(index, legend, children) {
  const id = `item-${index}`;
  return h('fieldset', {class: 'choice item', id, 'aria-describedby': `${id}-error`},
    h('legend', {class: 'choice-legend item-legend'}, legend),
    children,
    h('p', {id: `${id}-error`, class: 'field-error', hidden: true}));
}

// The rows of patient-named activities; returns {element, rows()}.
function patient_rows(questionnaire) {
  const {min_count: min, max_count: max, prompt} = questionnaire.patient_items;
  const list = h('div', {class: 'activity-list'});
  const add = h('button', {type: 'button', class: 'button button-secondary', id: 'add-activity'},
    'Add another activity');
  let serial = 0;

  const renumber = () => {
    [...list.children].forEach((row, index) => {
      row.querySelector('legend').textContent = `Activity ${index + 1}`;
      row.id = `item-${index}`;
      row.setAttribute('aria-describedby', `item-${index}-error`);
      row.querySelector('.field-error').id = `item-${index}-error`;
      const remove = row.querySelector('.remove-activity');
      if (remove) {
        remove.hidden = list.children.length <= min;
        remove.lastChild.textContent = ` activity ${index + 1}`;
      }
    });
    add.hidden = list.children.length >= max;
  };

  const add_row = ({focus}) => {
    const key = `activity-${serial++}`;
    const text_id = `${key}-text`;
    const remove = h('button', {type: 'button', class: 'button-link remove-activity'},
      'Remove', h('span', {class: 'visually-hidden'}, ''));
    const row = item_fieldset(0, 'Activity', [
      h('div', {class: 'field'},
        h('label', {for: text_id}, 'What is it?'),
        h('p', {class: 'field-hint', id: `${text_id}-hint`}, prompt),
        h('input', {type: 'text', id: text_id, class: 'activity-text', maxlength: '200',
                    'aria-describedby': `${text_id}-hint`})),
      h('p', {class: 'field-label', id: `${key}-rating-label`}, 'How well can you do it today?'),
      h('div', {role: 'group', 'aria-labelledby': `${key}-rating-label`}, rating_choices(questionnaire.scale, key)),
      h('p', {class: 'activity-actions'}, remove),
    ]);
    row.dataset.key = key;
    remove.addEventListener('click', () => {
      const index = [...list.children].indexOf(row);
      row.remove();
      renumber();
      (list.children[index] ?? list.children[index - 1])?.querySelector('input')?.focus();
    });
    list.append(row);
    renumber();
    if (focus) row.querySelector('input')?.focus();
  };

  for (let index = 0; index < min; ++index) add_row({focus: false});
  add.addEventListener('click', () => add_row({focus: true}));
  return {
    element: [list, h('p', {class: 'form-actions'}, add)],
    rows: () => [...list.children].map((row) => ({
      row,
      text: row.querySelector('.activity-text').value.trim(),
      value: row.querySelector(`input[name="${row.dataset.key}"]:checked`)?.value ?? null,
    })),
  };
}

function render_form(questionnaire) {
  document.title = `${short_name(questionnaire)} · HipCoach`;
  const citations = new Citations('q', catalogue.sources);
  const licence = questionnaire.licence ?? {};
  const heading = h('h2', {id: 'form-title', tabindex: '-1'}, questionnaire.name);
  const box = h('div', {id: 'form-error', class: 'form-error', role: 'alert', hidden: true});

  let body;
  let collect;
  if (questionnaire.patient_items) {
    const rows = patient_rows(questionnaire);
    body = rows.element;
    collect = () => {
      const answers = [];
      for (const [index, {row, text, value}] of rows.rows().entries()) {
        if (text === '') return {missing: index, row, message: 'Name the activity.'};
        if (value === null) return {missing: index, row, message: 'Choose how well you can do it today.'};
        answers.push({text, value: Number(value)});
      }
      return {answers};
    };
  } else {
    const items = questionnaire.items ?? [];
    body = [
      every_value_labelled(questionnaire.scale) && items.length > 1 ? scale_key(questionnaire.scale) : null,
      items.length === 1
        ? item_fieldset(0, items[0].text, rating_choices(questionnaire.scale, `answer-${items[0].id}`))
        : h('ol', {class: 'item-list'}, items.map((item, index) => h('li', {},
          item_fieldset(index, item.text, rating_choices(questionnaire.scale, `answer-${item.id}`))))),
    ];
    collect = () => {
      const answers = [];
      for (const [index, item] of items.entries()) {
        const value = document.querySelector(`input[name="answer-${CSS.escape(item.id)}"]:checked`)?.value;
        if (value === undefined) return {missing: index, message: 'Choose an answer.'};
        answers.push({item: item.id, value: Number(value)});
      }
      return {answers};
    };
  }

  const submit = h('button', {type: 'submit', class: 'button button-large', id: 'send'},
    signed_in ? 'See my score' : 'Sign in to keep your score');
  const form = h('form', {class: 'app-form questionnaire-form', novalidate: true, 'aria-labelledby': 'form-title'},
    box, body, h('p', {class: 'form-actions'}, submit));

  const field_map = () => {
    const fields = {};
    for (const fieldset of form.querySelectorAll('fieldset.item')) {
      const index = fieldset.id.slice('item-'.length);
      for (const suffix of ['', '/value', '/text', '/item']) fields[`/answers/${index}${suffix}`] = fieldset;
    }
    return fields;
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!signed_in) {
      window.location.assign(kSignInHref);
      return;
    }
    const errors = new FormErrors(form, {fields: field_map(), box});
    errors.clear();
    const collected = collect();
    if (collected.answers === undefined) {
      errors.show_at(`/answers/${collected.missing}`, collected.message);
      return;
    }
    submit.disabled = true;
    try {
      const response = await submit_response(questionnaire.id, collected.answers);
      show_result(questionnaire, response);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        window.location.assign(kSignInHref);
        return;
      }
      errors.show_error(error);
    } finally {
      submit.disabled = false;
    }
  });

  return [
    h('p', {class: 'back-link'}, h('a', {href: '#'}, 'All questionnaires')),
    heading,
    signed_in ? null : h('div', {class: 'notice'}, h('p', {},
      'To keep your answers and see your score, ', h('a', {href: kSignInHref}, 'sign in or create an account'),
      ' first.')),
    h('p', {class: 'instructions'}, questionnaire.instructions),
    licence.text ? h('p', {class: 'licence'}, h('strong', {}, 'Licence and source: '), licence.text,
                     citations.markers(licence.cite)) : null,
    form,
    h('section', {class: 'sources', 'aria-labelledby': 'q-sources-title'},
      h('h3', {id: 'q-sources-title'}, 'Sources'), citations.list()),
  ];
}

function show_result(questionnaire, response) {
  const score = response?.score ?? {};
  const citations = new Citations('r', catalogue.sources);
  const thresholds = threshold_items(questionnaire.thresholds, citations);
  const min = score.min ?? questionnaire.scoring?.min;
  const max = score.max ?? questionnaire.scoring?.max;
  const direction = direction_sentence(score.direction ?? questionnaire.scoring?.direction);
  const answered = typeof score.answered === 'number' ? score.answered : null;
  elements.intro.hidden = true;
  elements.view.replaceChildren(
    h('p', {class: 'back-link'}, h('a', {href: '#'}, 'All questionnaires')),
    h('section', {class: 'score-result', 'aria-labelledby': 'result-title'},
      h('h2', {id: 'result-title', tabindex: '-1'}, `Your ${short_name(questionnaire)} score`),
      h('p', {class: 'score-value'}, h('strong', {}, format_number(score.value, 2)),
        ` out of ${format_number(max, 2)}`),
      h('p', {}, `Scores run from ${format_number(min, 2)} to ${format_number(max, 2)}. ${direction}`.trim()),
      answered !== null ? h('p', {class: 'muted'}, `Based on ${answered} ${answered === 1 ? 'answer' : 'answers'}.`)
        : null,
      thresholds.length ? [h('p', {}, 'How a change between two of your scores is judged:'),
                           h('ul', {class: 'threshold-list'}, thresholds)] : null,
      h('p', {}, 'One score says little on its own. Answer again in a week or two: your ',
        h('a', {href: 'progress.html'}, 'progress page'), ' compares your scores over time.'),
      h('p', {}, 'Stop and get checked if the pain gets worse or does not get better.')),
    thresholds.length ? h('section', {class: 'sources', 'aria-labelledby': 'r-sources-title'},
      h('h3', {id: 'r-sources-title'}, 'Sources'), citations.list()) : '');
  $('result-title').focus();
}

function show_route({focus}) {
  const id = decodeURIComponent(window.location.hash.slice(1));
  const questionnaire = catalogue.questionnaires.find((q) => q.id === id);
  if (questionnaire) {
    elements.intro.hidden = true;
    elements.view.replaceChildren(...render_form(questionnaire).flat().filter(Boolean));
    if (focus) $('form-title').focus();
    else $('form-title').scrollIntoView({block: 'start'});
    return;
  }
  elements.intro.hidden = false;
  elements.view.replaceChildren(...render_list().flat().filter(Boolean));
  if (focus) $('page-title').setAttribute('tabindex', '-1');
  if (focus) $('page-title').focus();
}

async function load() {
  elements.load_error.hidden = true;
  set_status(elements.status, 'Loading the questionnaires…', {loading: true});
  try {
    const [list, me] = await Promise.all([fetch_questionnaires(), fetch_me()]);
    catalogue = list;
    signed_in = me !== null;
  } catch (error) {
    set_status(elements.status, '');
    show_load_error(elements.load_error, 'The questionnaires could not be loaded', error, () => load());
    return;
  }
  set_status(elements.status, '');
  show_route({focus: false});
}

window.addEventListener('hashchange', () => {
  if (catalogue) show_route({focus: true});
});
load();
