// The progress page: for each measure (pain from the diary, each questionnaire) the verdicts
// with their thresholds and sources, a chart of the scores and weekly averages, and the same
// numbers as tables; then pain before and after guided sessions. ?weeks=N picks the window.
// A signed-out visitor is sent to the account page, which brings them back.

import {ApiError} from './api.mjs';
import {render_chart, render_legend} from './chart.mjs';
import {clinic_box, fill_emergency_numbers} from './clinic.mjs';
import {h} from './dom.mjs';
import {check_text, direction_sentence} from './measures.mjs';
import {Citations} from './render.mjs';
import {format_number, go_to_sign_in, local_date, local_date_time, set_status, show_load_error, time_element} from './ui.mjs';
import {fetch_progress} from './user-api.mjs';

const kDayMilliseconds = 24 * 60 * 60 * 1000;
const kDefaultWeeks = 4;

const kVerdicts = {
  meaningfully_better: 'Meaningfully better',
  no_meaningful_change: 'No meaningful change',
  meaningfully_worse: 'Meaningfully worse',
  insufficient_data: 'Not enough entries yet to judge change',
};

const $ = (id) => document.getElementById(id);
const elements = {
  status: $('status'),
  load_error: $('load-error'),
  progress: $('progress'),
  weeks: $('weeks'),
  summary: $('summary-list'),
  worse: $('clinician-worse'),
  measures: $('measures'),
  sessions: $('sessions-content'),
  sources: $('sources-content'),
};

function requested_weeks() {
  const weeks = Number.parseInt(new URLSearchParams(window.location.search).get('weeks') ?? '', 10);
  return Number.isInteger(weeks) && weeks >= 1 && weeks <= 52 ? weeks : kDefaultWeeks;
}

function weeks_text(weeks) {
  return weeks === 1 ? 'the last week' : `the last ${weeks} weeks`;
}

function points(value) {
  const amount = format_number(Math.abs(value));
  return `${amount} ${amount === '1' ? 'point' : 'points'}`;
}

function verdict_of(judgement) {
  return kVerdicts[judgement?.verdict] ? judgement.verdict : 'insufficient_data';
}

function score_at(point) {
  if (!point || typeof point.score !== 'number') return null;
  return [h('strong', {}, format_number(point.score)), ' on ', time_element(point.at, local_date)];
}

function judgement_block(title, judgement, measure, citations) {
  const verdict = verdict_of(judgement);
  const checks = Array.isArray(judgement?.checks) ? judgement.checks : [];
  const first = score_at(judgement?.baseline);
  const latest = score_at(judgement?.latest);
  let next_step = null;
  if (verdict === 'insufficient_data') {
    next_step = measure.id === 'pain'
      ? h('p', {}, 'Add ratings to your ', h('a', {href: 'diary.html'}, 'pain diary'),
          ' on a few different days; a change is judged from at least two scores.')
      : h('p', {}, 'Answer this ', h('a', {href: 'questionnaire.html'}, 'questionnaire'),
          ' again in a week or two; a change is judged from at least two scores.');
  }
  return h('div', {class: `verdict verdict-${verdict.replaceAll('_', '-')}`},
    h('h3', {class: 'verdict-title'}, title),
    h('p', {class: 'verdict-label'}, kVerdicts[verdict]),
    judgement?.summary && verdict !== 'insufficient_data' ? h('p', {class: 'verdict-summary'}, judgement.summary)
      : null,
    first && latest ? h('p', {class: 'verdict-scores'}, 'First ', first, '; latest ', latest, '.') : null,
    next_step,
    checks.length ? [
      h('p', {class: 'checks-title'}, 'Thresholds compared:'),
      h('ul', {class: 'checks'}, checks.map((check) => h('li', {class: check.met ? 'check-met' : 'check-not-met'},
        check_text(check), ' — ', h('strong', {}, check.met ? 'reached' : 'not reached'),
        citations.markers(check.cite)))),
    ] : null);
}

// Both judgements, or one when the first score of the window is the first score of all.
function verdict_blocks(measure, weeks, citations) {
  const {recent, from_baseline: all} = measure;
  const same_baseline = recent?.baseline && all?.baseline && recent.baseline.at === all.baseline.at &&
    recent.latest?.at === all.latest?.at;
  if (verdict_of(recent) === 'insufficient_data' && verdict_of(all) === 'insufficient_data') {
    return judgement_block(`In ${weeks_text(weeks)}`, recent, measure, citations);
  }
  if (same_baseline) {
    return judgement_block(`In ${weeks_text(weeks)}, since your first score`, all, measure, citations);
  }
  return [judgement_block(`In ${weeks_text(weeks)}`, recent, measure, citations),
          judgement_block('Since your first score', all, measure, citations)];
}

function scores_table(measure, weeks) {
  const series = measure.series ?? [];
  const weekly = (measure.weekly ?? []).filter((week) => typeof week.mean === 'number');
  return h('details', {class: 'data-tables'},
    h('summary', {}, 'Show the numbers as a table'),
    h('table', {class: 'data-table'},
      h('caption', {}, `${measure.name}: each score in ${weeks_text(weeks)}`),
      h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Date and time'), h('th', {scope: 'col'}, 'Score'))),
      h('tbody', {}, series.length
        ? series.map((point) => h('tr', {}, h('td', {}, time_element(point.at)),
                                          h('td', {}, format_number(point.score, 2))))
        : h('tr', {}, h('td', {colspan: '2'}, 'No scores in these weeks.')))),
    weekly.length ? h('table', {class: 'data-table'},
      h('caption', {}, `${measure.name}: weekly averages`),
      h('thead', {}, h('tr', {}, h('th', {scope: 'col'}, 'Week starting'), h('th', {scope: 'col'}, 'Average'),
                       h('th', {scope: 'col'}, 'Scores'))),
      h('tbody', {}, weekly.map((week) => h('tr', {},
        h('td', {}, time_element(week.starts, local_date)), h('td', {}, format_number(week.mean)),
        h('td', {}, String(week.count ?? '')))))) : null);
}

// Draws the chart at the width of its box, and again whenever that width changes.
function chart_box(measure, {window_start, window_end, id_prefix}) {
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
  return {box, draw};
}

function measure_section(measure, {weeks, window_start, window_end, citations}) {
  const id_prefix = `m-${measure.id}`;
  const chart = chart_box(measure, {window_start, window_end, id_prefix});
  const direction = direction_sentence(measure.direction);
  const section = h('section', {class: 'measure', 'aria-labelledby': `${id_prefix}-title`},
    h('h2', {id: `${id_prefix}-title`}, measure.name),
    direction ? h('p', {class: 'muted'}, direction) : null,
    h('div', {class: 'verdicts'}, verdict_blocks(measure, weeks, citations)),
    chart.box,
    render_legend(),
    scores_table(measure, weeks));
  return {section, draw: chart.draw};
}

function summary_item(measure, weeks) {
  const judgement = measure.recent ?? measure.from_baseline;
  const verdict = verdict_of(judgement);
  return h('li', {class: `summary-${verdict.replaceAll('_', '-')}`},
    h('a', {href: `#m-${measure.id}-title`}, measure.name), ': ', h('strong', {}, kVerdicts[verdict]),
    ` (${weeks_text(weeks)}).`);
}

function pain_cell(value) {
  return typeof value === 'number' ? format_number(value) : h('span', {}, h('span', {'aria-hidden': 'true'}, '–'),
                                                                 h('span', {class: 'visually-hidden'}, 'not rated'));
}

function mean_sentence(mean, pairs, when) {
  if (typeof mean !== 'number' || !pairs) return null;
  const sessions = `${pairs} ${pairs === 1 ? 'session' : 'sessions'} with both ratings`;
  if (Math.abs(mean) < 0.05) return h('p', {}, `${when}, pain was on average the same as before (${sessions}).`);
  return h('p', {}, `${when}, pain was on average ${points(mean)} ${mean < 0 ? 'lower' : 'higher'} than before ` +
    `(${sessions}).`);
}

function render_sessions(sessions) {
  const items = Array.isArray(sessions?.items) ? sessions.items : [];
  if (items.length === 0) {
    return [h('p', {}, 'No guided sessions with pain ratings yet.')];
  }
  return [
    mean_sentence(sessions.mean_after_minus_before, sessions.after_pairs, 'Right after a session'),
    mean_sentence(sessions.mean_next_morning_minus_before, sessions.next_morning_pairs, 'The next morning'),
    h('div', {class: 'table-scroll'}, h('table', {class: 'data-table'},
      h('caption', {}, 'Pain (0 to 10) before and after each guided session'),
      h('thead', {}, h('tr', {}, ['Session', 'Before', 'After', 'Next morning'].map((text) =>
        h('th', {scope: 'col'}, text)))),
      h('tbody', {}, items.map((item) => h('tr', {},
        h('th', {scope: 'row'}, time_element(item.started_at)),
        h('td', {}, pain_cell(item.before)), h('td', {}, pain_cell(item.after)),
        h('td', {}, pain_cell(item.next_morning))))))),
  ];
}

function render(report, weeks) {
  const window_end = new Date(report.generated_at).getTime() || Date.now();
  const window_start = window_end - weeks * 7 * kDayMilliseconds;
  const citations = new Citations('p', Array.isArray(report.sources) ? report.sources : []);
  const measures = report.measures;

  elements.summary.replaceChildren(...(measures.length
    ? measures.map((measure) => summary_item(measure, weeks))
    : [h('li', {}, 'Nothing to show yet: add entries to your pain diary or answer a questionnaire.')]));

  const worse = measures.filter((m) => [m.recent, m.from_baseline].some((j) => j?.verdict === 'meaningfully_worse'));
  elements.worse.hidden = worse.length === 0;
  elements.worse.textContent = worse.length
    ? `Your scores show a meaningful worsening in: ${worse.map((m) => m.name).join(', ')}.` : '';
  $('clinician').classList.toggle('clinician-alert', worse.length > 0);

  const drawn = measures.map((measure) => measure_section(measure, {weeks, window_start, window_end, citations}));
  elements.measures.replaceChildren(...drawn.map((item) => item.section));
  elements.sessions.replaceChildren(...render_sessions(report.sessions).filter(Boolean));
  elements.sources.replaceChildren(citations.list());
  elements.progress.hidden = false;
  for (const item of drawn) item.draw();
  $('generated').textContent = `Worked out on ${local_date_time(report.generated_at)}.`;
}

async function load() {
  const weeks = requested_weeks();
  if (![...elements.weeks.options].some((option) => option.value === String(weeks))) {
    elements.weeks.append(h('option', {value: String(weeks)}, `Last ${weeks} weeks`));
  }
  elements.weeks.value = String(weeks);
  elements.load_error.hidden = true;
  set_status(elements.status, 'Loading your progress…', {loading: true});
  let report;
  try {
    report = await fetch_progress({weeks});
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      go_to_sign_in('progress');
      return;
    }
    set_status(elements.status, '');
    show_load_error(elements.load_error, 'Your progress could not be loaded', error, () => load());
    return;
  }
  set_status(elements.status, '');
  render(report, weeks);
}

// The clinic's contact details and emergency number in "When to see a clinician".
document.getElementById('clinician').append(clinic_box({heading: 'h3', id: 'clinician-clinic'}));
fill_emergency_numbers();
load();
