// The parts of the staff portal's patient summary, each built from what GET
// /api/v1/patients/{id}/<part> answers: the pain diary (chart.mjs chart and a table),
// questionnaire responses with their scores (a chart per questionnaire and a table), saved
// triage results, and guided sessions with pain before and after and their stop events.

import {render_chart, render_legend} from './chart.mjs';
import {h} from './dom.mjs';
import {better_direction, direction_sentence} from './measures.mjs';
import {format_number, time_element} from './ui.mjs';

const kDayMilliseconds = 24 * 60 * 60 * 1000;
const kMinimumWindowDays = 28;

const kDispositionText = {
  urgent: 'Urgent: see a clinician today',
  soon: 'See a clinician soon',
  self_care: 'Self-care',
};

function time_of(at) {
  const time = new Date(at).getTime();
  return Number.isFinite(time) ? time : null;
}

// Returns the local Monday 00:00 of the week of `time`.
function week_start(time) {
  const day = new Date(time);
  day.setHours(0, 0, 0, 0);
  day.setDate(day.getDate() - ((day.getDay() + 6) % 7));
  return day.getTime();
}

// Returns [{starts, mean, count}] for the points [{at, score}], one per local week (Monday first).
function weekly_means(series) {
  const weeks = new Map();
  for (const point of series) {
    const time = time_of(point.at);
    if (time === null) continue;
    const start = week_start(time);
    const week = weeks.get(start) ?? {sum: 0, count: 0};
    week.sum += point.score;
    week.count += 1;
    weeks.set(start, week);
  }
  return [...weeks.entries()].sort((a, b) => a[0] - b[0])
    .map(([start, week]) => ({starts: new Date(start).toISOString(), mean: week.sum / week.count, count: week.count}));
}

// Draws the chart at the width of its box, and again whenever that width changes (as on the
// progress page).
function chart_box(measure, id_prefix) {
  const times = (measure.series ?? []).map((point) => time_of(point.at)).filter((time) => time !== null);
  const window_end = Math.max(Date.now(), ...times);
  const window_start = Math.min(window_end - kMinimumWindowDays * kDayMilliseconds, ...times);
  const box = h('div', {class: 'chart-box'});
  const direction_text = direction_sentence(measure.direction);
  let drawn_width = 0;
  const draw = () => {
    const width = Math.max(260, Math.floor(box.clientWidth));
    if (width === drawn_width) return;
    drawn_width = width;
    box.replaceChildren(render_chart(measure, {window_start, window_end, width, id_prefix, direction_text}));
  };
  new ResizeObserver(draw).observe(box);
  return box;
}

function table(caption, headings, rows, empty) {
  // A wide table scrolls sideways in its box, which the keyboard can reach too.
  return h('div', {class: 'table-scroll', role: 'region', 'aria-label': caption, tabindex: '0'},
    h('table', {class: 'data-table'},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, headings.map((text) => h('th', {scope: 'col'}, text)))),
      h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', {colspan: String(headings.length)}, empty)))));
}

function words(id) {
  return String(id ?? '').replaceAll(/[-_]/g, ' ');
}

function pain_cell(value) {
  return typeof value === 'number' ? format_number(value)
    : h('span', {}, h('span', {'aria-hidden': 'true'}, '–'), h('span', {class: 'visually-hidden'}, 'not rated'));
}

// The diary page ({entries: [...newest first], next}) as a chart of pain and a table.
export function render_diary(page) {
  const entries = Array.isArray(page?.entries) ? page.entries : [];
  if (entries.length === 0) return [h('p', {}, 'No diary entries yet.')];
  const series = entries.filter((entry) => typeof entry.pain === 'number' && time_of(entry.at) !== null)
    .map((entry) => ({at: entry.at, score: entry.pain})).reverse();
  const measure = {id: 'pain', name: 'Pain (0 to 10)', direction: 'lower_is_better', min: 0, max: 10, series,
                   weekly: weekly_means(series)};
  return [
    h('p', {class: 'muted'}, `${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}` +
      `${page.next ? ' (the latest 1000)' : ''}. On this scale a lower score is better.`),
    chart_box(measure, 'portal-pain'),
    render_legend(),
    h('details', {class: 'data-tables'}, h('summary', {}, 'Show the diary as a table'),
      table('Pain diary, newest first', ['Date and time', 'Pain', 'Where', 'Context', 'Note'],
        entries.map((entry) => h('tr', {},
          h('td', {}, time_element(entry.at)), h('td', {}, pain_cell(entry.pain)),
          h('td', {}, `${words(entry.region)}${entry.side ? `, ${entry.side}` : ''}`),
          h('td', {}, words(entry.context)), h('td', {class: 'note-cell'}, entry.note ?? ''))),
        'No entries.')),
  ];
}

function score_text(score) {
  if (typeof score?.value !== 'number') return 'no score';
  const range = typeof score.max === 'number' ? ` of ${format_number(score.max)}` : '';
  const better = better_direction(score.direction);
  return `${format_number(score.value)}${range}${better ? ` (${better} is better)` : ''}`;
}

// The questionnaire responses ({responses: [...oldest first]}), with `questionnaires` (from GET
// /api/v1/questionnaires) for their names: a chart per questionnaire and a table of all.
export function render_questionnaires(body, questionnaires) {
  const responses = Array.isArray(body?.responses) ? body.responses : [];
  if (responses.length === 0) return [h('p', {}, 'No questionnaire responses yet.')];
  const name_of = (id) => questionnaires.find((q) => q.id === id)?.name ?? id;
  const by_questionnaire = new Map();
  for (const response of responses) {
    if (!by_questionnaire.has(response.questionnaire_id)) by_questionnaire.set(response.questionnaire_id, []);
    by_questionnaire.get(response.questionnaire_id).push(response);
  }
  const charts = [...by_questionnaire.entries()].map(([id, list], index) => {
    const scored = list.filter((response) => typeof response.score?.value === 'number');
    const last = scored.at(-1)?.score ?? {};
    const series = scored.map((response) => ({at: response.at, score: response.score.value}));
    const measure = {id, name: name_of(id), direction: last.direction, min: last.min, max: last.max, series,
                     weekly: weekly_means(series)};
    return h('div', {class: 'portal-measure'},
      h('h4', {}, name_of(id)),
      direction_sentence(last.direction) ? h('p', {class: 'muted'}, direction_sentence(last.direction)) : null,
      chart_box(measure, `portal-q${index}`));
  });
  return [
    charts,
    render_legend(),
    table('Questionnaire responses, oldest first', ['Date', 'Questionnaire', 'Score', 'Items answered'],
      responses.map((response) => h('tr', {},
        h('td', {}, time_element(response.at)), h('td', {}, name_of(response.questionnaire_id)),
        h('td', {}, score_text(response.score)),
        h('td', {}, typeof response.score?.answered === 'number' ? String(response.score.answered)
          : String(Array.isArray(response.answers) ? response.answers.length : '')))),
      'No responses.'),
  ];
}

// The saved triage results ({triage: [...newest first]}).
export function render_triage(body) {
  const results = Array.isArray(body?.triage) ? body.triage : [];
  if (results.length === 0) return [h('p', {}, 'No saved checks yet.')];
  return [h('ul', {class: 'triage-list'}, results.map((item) => {
    const disposition = item.result?.disposition;
    const reasons = (Array.isArray(item.result?.reasons) ? item.result.reasons : [])
      .map((reason) => reason?.text).filter(Boolean);
    return h('li', {class: `triage-item triage-${String(disposition ?? 'unknown').replace('_', '-')}`},
      h('p', {}, time_element(item.created_at), ': ',
        h('strong', {}, kDispositionText[disposition] ?? 'Unknown level of care')),
      reasons.length ? h('ul', {class: 'reason-list'}, reasons.map((reason) => h('li', {}, reason))) : null);
  }))];
}

// Returns the stop events of a session's record: its own stop rule and any named at a point.
function stop_events(record) {
  const events = [];
  if (record?.stop_rule) events.push(words(record.stop_rule));
  for (const point of Array.isArray(record?.points) ? record.points : []) {
    if (point?.stop_rule) events.push(`${words(point.stop_rule)} (${words(point.area)}, ${point.side})`);
  }
  return [...new Set(events)];
}

// The guided sessions ({sessions: [...oldest first]}): pain before and after, and stop events.
export function render_sessions(body) {
  const sessions = Array.isArray(body?.sessions) ? body.sessions : [];
  if (sessions.length === 0) return [h('p', {}, 'No guided sessions yet.')];
  const stopped = sessions.filter((session) => session.record?.outcome === 'stopped').length;
  return [
    h('p', {}, `${sessions.length} ${sessions.length === 1 ? 'session' : 'sessions'}, ` +
      `${stopped} stopped early.`),
    table('Guided sessions, oldest first', ['Started', 'Pain before', 'Pain after', 'Outcome', 'Stop events'],
      sessions.map((session) => {
        const events = stop_events(session.record);
        return h('tr', {},
          h('td', {}, time_element(session.started_at)), h('td', {}, pain_cell(session.pain_before)),
          h('td', {}, pain_cell(session.pain_after)),
          h('td', {}, session.record?.outcome === 'stopped' ? 'Stopped' : 'Finished'),
          h('td', {}, events.length ? events.join('; ') : 'None'));
      }), 'No sessions.'),
  ];
}
