// Builds the guided session's pieces of page from the plan: the choice tiles, the screen before
// the session (what to have ready, the cautions, the re-check), a step's body map, the advice
// after a warning sign, and the summary. Text from the API only goes into text nodes (dom.mjs).

import {render_body_map} from './body-map.mjs';
import {clinic_box, emergency_number, local_number_note} from './clinic.mjs';
import {h} from './dom.mjs';
import {Citations} from './render.mjs';
import {local_date_time} from './ui.mjs';

// Returns "1:05" for 65 seconds.
export function minutes_seconds(total_seconds) {
  const seconds = Math.max(0, Math.round(total_seconds));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

// Returns the 0..10 pain tiles, radio buttons named `name` with ids `${name}-N`.
export function pain_tiles(name) {
  const tiles = [];
  for (let value = 0; value <= 10; ++value) {
    const id = `${name}-${value}`;
    const meaning = value === 0 ? ', no pain' : value === 10 ? ', worst pain imaginable' : '';
    tiles.push(h('input', {class: 'tile-input', type: 'radio', id, name, value: String(value)}),
      h('label', {class: 'tile', for: id}, String(value), meaning ? h('span', {class: 'visually-hidden'}, meaning) : null));
  }
  return tiles;
}

// Returns the tiles of the muscle groups, check boxes named "group".
export function group_tiles(groups) {
  return groups.flatMap((group) => [
    h('input', {class: 'tile-input', type: 'checkbox', id: `group-${group.id}`, name: 'group', value: group.id}),
    h('label', {class: 'tile tile-wide', for: `group-${group.id}`}, group.name),
  ]);
}

function cited(citations, tag, statement, attributes = {}) {
  if (!statement?.text) return null;
  return h(tag, attributes, statement.text, citations.markers(statement.cite));
}

function sources_section(citations, id, title) {
  return h('section', {class: 'sources', 'aria-labelledby': id}, h('h3', {id}, title), citations.list());
}

function treat_minutes(plan) {
  const seconds = plan.steps.reduce((sum, step) => sum + (step.kind === 'treat' ? step.min_hold_seconds : 0), 0);
  return Math.max(1, Math.round(seconds / 60));
}

// Returns "3 places on the left side, about 5 minutes of holds".
export function plan_summary(plan) {
  const places = plan.steps.filter((step) => step.kind === 'treat').length;
  const sides = plan.sides.length > 1 ? 'both sides' : `the ${plan.sides[0] ?? ''} side`;
  return `${places} ${places === 1 ? 'place' : 'places'} to treat on ${sides}, ` +
    `at least ${treat_minutes(plan)} minutes of holds.`;
}

// Returns {body, questions, sources} for the screen before the session: what to have ready and
// the cautions (body), the re-check intro and one yes/no question per red flag (questions, with
// `intro`), and their numbered sources.
export function render_prepare(plan) {
  const citations = new Citations('prepare', plan.sources);
  const before = plan.before.length === 0 ? null : h('section', {class: 'panel', 'aria-labelledby': 'before-title'},
    h('h3', {id: 'before-title'}, 'Have ready'),
    h('ul', {class: 'plain-list'}, plan.before.map((statement) => cited(citations, 'li', statement))));
  const cautions = plan.cautions.length === 0 ? null
    : h('section', {class: 'panel panel-caution', 'aria-labelledby': 'cautions-title'},
      h('h3', {id: 'cautions-title'}, 'Cautions'),
      h('ul', {class: 'plain-list'}, plan.cautions.map((statement) => cited(citations, 'li', statement))));
  const intro = cited(citations, 'p', plan.recheck.intro);
  const questions = plan.recheck.questions.map((question, index) => {
    const id = `recheck-${index}`;
    return h('fieldset', {class: 'choice recheck-question', id, 'aria-describedby': `${id}-error`},
      h('legend', {class: 'choice-legend'}, question.question),
      h('div', {class: 'tiles tiles-2'},
        h('input', {class: 'tile-input', type: 'radio', id: `${id}-no`, name: id, value: 'no'}),
        h('label', {class: 'tile', for: `${id}-no`}, 'No'),
        h('input', {class: 'tile-input', type: 'radio', id: `${id}-yes`, name: id, value: 'yes'}),
        h('label', {class: 'tile', for: `${id}-yes`}, 'Yes')),
      h('p', {id: `${id}-error`, class: 'field-error', hidden: true}));
  });
  const sources = sources_section(citations, 'prepare-sources-title', 'Sources');
  return {body: [before, cautions], intro, questions, sources};
}

function view_landmarks(plan, view_id) {
  return (plan.body_map.landmarks ?? []).flatMap((landmark) => {
    const position = landmark.positions?.find((p) => p.view === view_id) ??
      (landmark.view === view_id && Number.isFinite(landmark.x) ? landmark : null);
    return position ? [{id: landmark.id, name: landmark.name, x: position.x, y: position.y,
                        cite_markers: null}] : [];
  });
}

// Returns the body map of step `index` with its place to treat highlighted among the group's
// places on that side, or null when the step has no map (after-care).
export function render_step_map(plan, index) {
  const step = plan.steps[index];
  const view = (plan.body_map.views ?? []).find((v) => v.id === step.body_map_view);
  if (!view) return null;
  const areas = (plan.body_map.areas ?? []).filter((area) => !area.view || area.view === view.id);
  const area_ids = [];
  for (const other of plan.steps) {
    if (other.group === step.group && other.side === step.side && other.body_map_view === view.id &&
        other.body_map_area && !area_ids.includes(other.body_map_area)) {
      area_ids.push(other.body_map_area);
    }
  }
  const treat = area_ids.map((id, position) => {
    const area = areas.find((a) => a.id === id);
    return area ? {area, number: position + 1, name: area.name, show_fibres: false} : null;
  }).filter(Boolean);
  const avoid = areas.filter((area) => area.kind === 'avoid').map((area) => ({area, name: area.name}));
  const {figure} = render_body_map({view, treat, avoid, guide: null, id_prefix: `step-${index}`,
                                    landmarks: view_landmarks(plan, view.id)});
  const current = treat.findIndex((t) => t.area.id === step.body_map_area);
  const shapes = figure.querySelectorAll('g.map-treat');
  if (current >= 0) {
    shapes[current]?.classList.add('map-treat-current');
    const desc = figure.querySelector('desc');
    desc?.append(` Now: place ${current + 1}, ${treat[current].name}.`);
  }
  // The map is drawn for the right hip; the caption says so on the left side.
  const mirrored = step.side === 'left' && /right/i.test(view.name);
  figure.querySelector('figcaption')?.replaceChildren(h('p', {class: 'body-map-caption'},
    current >= 0 ? `Place ${current + 1} of ${treat.length}` : 'Where to treat',
    mirrored ? h('span', {class: 'map-note'}, ' (right hip shown: mirror it)') : null));
  return figure;
}

// Returns a step's instructions with their own source list.
export function render_instructions(plan, index) {
  const citations = new Citations(`step-${index}`, plan.sources);
  const step = plan.steps[index];
  const map = render_step_map(plan, index);
  const list = h('ul', {class: 'instruction-list'},
    step.instructions.map((statement) => cited(citations, 'li', statement)));
  const sources = step.instructions.some((statement) => statement?.cite?.length)
    ? h('details', {class: 'step-sources'}, h('summary', {}, 'Sources for this step'), citations.list()) : null;
  return {map, instructions: [list, sources]};
}

// Returns the stop rule's text with its sources, for a notice.
export function render_rule_notice(plan, rule, prefix) {
  const citations = new Citations(prefix, plan.sources);
  return [
    h('p', {class: 'rule-notice-title'}, h('strong', {}, rule.ends === 'hold' ? 'Hold stopped: ' : 'Session stopped: '),
      rule.label),
    cited(citations, 'p', {text: rule.text, cite: rule.cite}),
    h('details', {class: 'step-sources'}, h('summary', {}, 'Sources'), citations.list()),
  ];
}

const kDispositions = {
  urgent: {
    rank: 0,
    title: 'Do not treat yourself today: get medical care today',
    steps: [() => ['If it is an emergency, call ', emergency_number(), local_number_note(), ' or go to the ' +
      'nearest emergency department now.'], 'Otherwise, call the clinic or your doctor today and tell them what has changed. If you ' +
      'cannot get an appointment today, go to an urgent care centre.'],
  },
  soon: {
    rank: 1,
    title: 'Do not treat yourself today: see a clinician within days',
    steps: ['Call the clinic or your doctor to book an appointment in the next few days, and tell them what ' +
      'has changed.', 'If, before then, you cannot put weight on the leg, the pain suddenly gets much worse, or ' +
      'you get a fever or feel unwell, get medical care the same day.'],
  },
  self_care: {
    rank: 2,
    title: 'Do not treat yourself today: ask your clinician first',
    steps: ['Tell your clinician what has changed before you use the massage gun again.'],
  },
};

function disposition_of(advice) {
  return kDispositions[advice?.disposition] ?? kDispositions.urgent;
}

// Returns the screen after a warning sign at the re-check: the most urgent advice first, then,
// for each sign answered yes, the question and the reasons with their numbered sources, and when
// to see a clinician.
export function render_red_flags(plan, red_flags) {
  const citations = new Citations('red-flag', plan.sources);
  const answered = plan.recheck.questions.filter((q) => red_flags.includes(q.red_flag));
  const most_urgent = answered.map((q) => disposition_of(q.advice)).sort((a, b) => a.rank - b.rank)[0] ??
    kDispositions.urgent;
  const urgent = most_urgent === kDispositions.urgent;
  return [
    h('div', {class: `disposition-box${urgent ? ' disposition-box-urgent' : ''}`, role: 'alert'},
      h('h2', {id: 'red-flag-title', tabindex: '-1'}, most_urgent.title),
      h('p', {}, 'You answered yes to a warning sign. The session has stopped before it began.'),
      h('ul', {}, most_urgent.steps.map((text) => h('li', {}, typeof text === 'function' ? text() : text)))),
    answered.map((question, index) => h('section', {class: 'red-flag-answer', 'aria-labelledby': `red-flag-${index}`},
      h('h3', {id: `red-flag-${index}`}, question.question),
      h('p', {class: 'answered'}, 'You answered yes. ', h('strong', {}, disposition_of(question.advice).title), '.'),
      h('ul', {class: 'plain-list reason-list'},
        (question.advice?.reasons ?? []).map((reason) => cited(citations, 'li', reason))))),
    clinician_box('red-flag'),
    sources_section(citations, 'red-flag-sources-title', 'Sources'),
  ];
}

// The standing advice on when to see a clinician, with the clinic's contact details; `prefix`
// keeps the ids of the box on each screen apart.
export function clinician_box(prefix = 'summary') {
  return h('section', {class: 'notice clinician', 'aria-labelledby': 'clinician-title'},
    h('h3', {id: 'clinician-title'}, 'When to see a clinician'),
    h('p', {}, 'Contact your clinician if the pain gets worse or does not get better, or if any of the warning ' +
      'signs of the check before a session appears. In an emergency, call ', emergency_number(), '.'),
    clinic_box({heading: 'h4', id: `${prefix}-clinic`}));
}

function change_text(before, after) {
  if (!Number.isInteger(before) || !Number.isInteger(after)) return '';
  const change = after - before;
  if (change === 0) return 'no change';
  return `${Math.abs(change)} ${Math.abs(change) === 1 ? 'point' : 'points'} ${change < 0 ? 'lower' : 'higher'}`;
}

function mean_change_text(mean) {
  const points = Math.abs(Math.round(mean * 10) / 10);
  if (points === 0) return 'the pain after was on average the same as before';
  return `the pain after was on average ${points} ${points === 1 ? 'point' : 'points'} ${mean < 0 ? 'lower' : 'higher'} than before`;
}

// Returns the summary: this session's pain before and after against the last sessions, the
// after-care advice and when to see a clinician.
//   current: {pain_before, pain_after, outcome}; earlier: the sessions before it, newest first.
export function render_summary(plan, current, earlier) {
  const citations = new Citations('summary', plan.sources);
  const aftercare = plan.steps.find((step) => step.kind === 'aftercare');
  const pairs = earlier.filter((s) => Number.isInteger(s.pain_before) && Number.isInteger(s.pain_after));
  const mean = pairs.length
    ? pairs.reduce((sum, s) => sum + (s.pain_after - s.pain_before), 0) / pairs.length : null;
  const shown = earlier.slice(0, 5);
  const this_change = change_text(current.pain_before, current.pain_after);
  return [
    h('div', {class: 'score-result'},
      h('p', {class: 'summary-line'}, 'This session: pain ', h('strong', {class: 'pain-figure'}, String(current.pain_before)),
        ' before, ', h('strong', {class: 'pain-figure'}, String(current.pain_after)), ' after',
        this_change ? ` (${this_change})` : '', '.'),
      current.outcome === 'stopped' ? h('p', {}, 'The session was stopped early.') : null),
    h('section', {class: 'history', 'aria-labelledby': 'history-title'},
      h('h3', {id: 'history-title'}, 'Your last sessions'),
      shown.length === 0
        ? h('p', {class: 'muted'}, 'This is your first saved session. Later sessions will be compared with it.')
        : [
          mean === null ? null : h('p', {}, `Over your last ${pairs.length} ${pairs.length === 1 ? 'session' : 'sessions'}, `,
            mean_change_text(mean), '.'),
          h('table', {class: 'history-table'},
            h('caption', {class: 'visually-hidden'}, 'Pain before and after your last sessions'),
            h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'When'), h('th', {scope: 'col'}, 'Before'),
              h('th', {scope: 'col'}, 'After'))),
            h('tbody', {}, shown.map((s) => h('tr', {},
              h('td', {}, local_date_time(s.started_at)),
              h('td', {}, Number.isInteger(s.pain_before) ? String(s.pain_before) : '–'),
              h('td', {}, Number.isInteger(s.pain_after) ? String(s.pain_after) : '–'))))),
        ]),
    aftercare ? h('section', {class: 'aftercare', 'aria-labelledby': 'aftercare-title'},
      h('h3', {id: 'aftercare-title'}, 'After the session'),
      h('ul', {class: 'plain-list'}, aftercare.instructions.map((statement) => cited(citations, 'li', statement))))
      : null,
    clinician_box(),
    sources_section(citations, 'summary-sources-title', 'Sources'),
  ];
}
