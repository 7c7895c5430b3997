// The staff portal's "Clinic outcomes" section (#outcomes in portal.html): for clinic staff, how
// many of the patients who share their record reached a clinically meaningful improvement in pain
// and in function by week 8, and how many guided sessions they did, from GET
// /api/v1/clinic/outcomes (docs/api.md, "Clinic outcomes"). Only counts, shares and medians: no
// patient is named. Everything is said in words and in a table, never by colour alone; the
// thresholds are shown with their numbered sources.
//
// Imported for its effect by portal.mjs: it checks who is signed in itself and does nothing for
// anyone but staff (the section stays inside the hidden #portal for them).

import {ApiError, send_json} from './api.mjs';
import {h} from './dom.mjs';
import {Citations} from './render.mjs';
import {is_staff} from './staff-nav.mjs';
import {format_number, local_date_time, sentence} from './ui.mjs';
import {fetch_me} from './user-api.mjs';

const kThresholdNames = {
  mdc: 'more than the minimal detectable change (MDC)',
  mcid: 'at least the minimal clinically important difference (MCID)',
  much_better: 'a large ("much better") change',
};

// Returns the staff's outcomes report. Throws ApiError as send_json does.
export async function fetch_outcomes({signal} = {}) {
  const report = await send_json('api/v1/clinic/outcomes', 'the clinic outcomes', {signal});
  if (!Array.isArray(report?.measures) || typeof report?.patients !== 'object' || report.patients === null) {
    throw new ApiError('The server sent clinic outcomes without measures or patients.');
  }
  return report;
}

function count(value) {
  return Number.isInteger(value) ? value : 0;
}

function patients_text(number) {
  return `${number} ${number === 1 ? 'patient' : 'patients'}`;
}

// "LEFS" from "Lower Extremity Functional Scale (LEFS)", else the name.
function abbreviation(name) {
  const match = /\(([^()]+)\)\s*$/.exec(String(name ?? ''));
  return match ? match[1] : String(name ?? '');
}

// How a measure is named in a column heading and within a sentence.
function measure_names(measure) {
  if (measure.kind === 'pain') return {short: 'Pain', phrase: 'pain'};
  const short = abbreviation(measure.name);
  return {short, phrase: `function (${short})`};
}

function share_sentence(reached, with_value, percent, phrase) {
  if (with_value === 0) return `No patient has a week-8 score for ${phrase} yet.`;
  const share = Number.isFinite(percent) ? ` (${percent}%)` : '';
  return `${reached} of ${patients_text(with_value)}${share} reached a meaningful improvement in ${phrase} ` +
    'by week 8.';
}

function too_early_sentence(measure) {
  const early = count(measure.too_early);
  if (early === 0) return '';
  return ` ${patients_text(early)} ${early === 1 ? 'is' : 'are'} too early: their week 8 is not over yet.`;
}

function headline(report) {
  const items = report.measures.map((measure) => {
    const {phrase} = measure_names(measure);
    return h('li', {'data-measure': measure.id},
      share_sentence(count(measure.reached), count(measure.with_week_8_value), measure.reached_percent, phrase),
      too_early_sentence(measure));
  });
  const any = report.pain_or_function;
  if (any && typeof any === 'object') {
    items.unshift(h('li', {'data-measure': 'pain_or_function'},
      share_sentence(count(any.reached), count(any.with_week_8_value), any.reached_percent, 'pain or function')));
  }
  return h('ul', {id: 'outcomes-headline', class: 'outcomes-headline'}, items);
}

function median_text(group) {
  if (!group || count(group.patients) === 0 || typeof group.median !== 'number') return '–';
  return `${format_number(group.median)} (${patients_text(count(group.patients))})`;
}

// One row per count, one column per measure, so the table stays narrow on a phone.
function measures_table(measures) {
  const rows = [
    ['Patients sharing it', (m) => count(m.patients)],
    ['No first score yet', (m) => count(m.no_baseline)],
    ['Too early (week 8 not over)', (m) => count(m.too_early)],
    ['No score on days 49 to 63', (m) => count(m.no_week_8_value)],
    ['With a week-8 score', (m) => count(m.with_week_8_value)],
    ['Meaningfully better', (m) => {
      const reached = count(m.reached);
      return Number.isFinite(m.reached_percent) ? `${reached} (${m.reached_percent}%)` : String(reached);
    }],
    ['Meaningfully worse', (m) => count(m.worse)],
    ['Median sessions, the better', (m) => median_text(m.sessions?.reached)],
    ['Median sessions, the others', (m) => median_text(m.sessions?.not_reached)],
  ];
  const caption = 'Outcomes by week 8, by measure';
  return h('div', {class: 'table-scroll', role: 'region', 'aria-label': caption, tabindex: '0'},
    h('table', {id: 'outcomes-table', class: 'data-table'},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {},
        h('td', {}),
        measures.map((measure) => h('th', {scope: 'col'}, measure_names(measure).short)))),
      h('tbody', {}, rows.map(([label, value]) => h('tr', {},
        h('th', {scope: 'row'}, label),
        measures.map((measure) => h('td', {}, String(value(measure)))))))));
}

function threshold_text(threshold, unit_percent) {
  const points = Number(threshold.points);
  const text = `${format_number(points)} ${points === 1 ? 'point' : 'points'}`;
  return Number.isFinite(threshold.percent) ? `${text} or ${format_number(threshold.percent)}% ${unit_percent}` : text;
}

function thresholds_list(measures, citations) {
  return h('ul', {id: 'outcomes-thresholds', class: 'outcomes-thresholds'}, measures.map((measure) => {
    const thresholds = Array.isArray(measure.thresholds) ? measure.thresholds : [];
    const needed = thresholds.filter((threshold) => threshold.name !== 'much_better');
    const reference = thresholds.filter((threshold) => threshold.name === 'much_better');
    return h('li', {'data-measure': measure.id},
      h('strong', {}, measure.name),
      measure.kind === 'pain' && measure.thresholds_of ? `, with the thresholds of the ${measure.thresholds_of}` : '',
      ': a meaningful improvement is ',
      needed.map((threshold, index) => [
        index ? ' and ' : '',
        kThresholdNames[threshold.name] ?? threshold.name, ', ',
        threshold_text(threshold, 'of the first score'),
        citations.markers(threshold.cite),
      ]),
      '.',
      reference.map((threshold) => [
        ' For reference, ', kThresholdNames.much_better, ' is ',
        threshold_text(threshold, 'of the first score'), citations.markers(threshold.cite), '.',
      ]));
  }));
}

function sessions_paragraph(sessions) {
  if (!sessions || typeof sessions !== 'object') return null;
  const counted = count(sessions.counted);
  const parts = [];
  if (counted === 0) {
    parts.push('No patient who shares their guided sessions has finished their first 8 weeks yet.');
  } else {
    parts.push(`Median guided sessions in the first 8 weeks: ${format_number(sessions.median)}, over ` +
               `${patients_text(counted)}.`);
  }
  if (count(sessions.too_early)) {
    parts.push(`${patients_text(count(sessions.too_early))} too early: first 8 weeks not over.`);
  }
  if (count(sessions.no_records)) {
    parts.push(`${patients_text(count(sessions.no_records))} with no records yet.`);
  }
  return h('p', {id: 'outcomes-sessions'}, parts.join(' '));
}

function definitions(report) {
  const texts = report.definitions && typeof report.definitions === 'object' ? report.definitions : {};
  const labels = {counted: 'Who is counted', baseline: 'First score', week_8: 'Week 8',
                  meaningful: 'Meaningful improvement', sessions: 'Guided sessions'};
  return h('details', {class: 'data-tables'},
    h('summary', {}, 'How these numbers are counted'),
    h('dl', {class: 'outcomes-definitions'}, Object.entries(labels)
      .filter(([key]) => typeof texts[key] === 'string')
      .map(([key, label]) => [h('dt', {}, label), h('dd', {}, texts[key])])));
}

function render(report) {
  const citations = new Citations('outcomes', Array.isArray(report.sources) ? report.sources : []);
  const counted = count(report.patients.counted);
  const other = count(report.patients.sharing_other_parts_only);
  const intro = [
    h('p', {id: 'outcomes-counted'},
      `${patients_text(counted)} counted: ${counted === 1 ? 'shares' : 'share'} their pain diary, ` +
      'questionnaires or guided sessions with the clinic now.',
      other ? ` ${patients_text(other)} ${other === 1 ? 'shares' : 'share'} only saved checks and ` +
              `${other === 1 ? 'is' : 'are'} not counted.` : ''),
    typeof report.patients.not_counted === 'string' ? h('p', {class: 'muted'}, report.patients.not_counted) : null,
  ];
  const measures = report.measures;
  const thresholds = thresholds_list(measures, citations);
  return [
    ...intro,
    h('h3', {}, 'By week 8'),
    headline(report),
    measures_table(measures),
    h('p', {class: 'muted'}, 'Meaningfully better or worse: from the first score to the week-8 score, by the ' +
      'thresholds below. Median sessions: guided sessions in the first 8 weeks, of those who share them, with ' +
      'how many patients each median is over.'),
    h('h3', {}, 'Guided sessions'),
    sessions_paragraph(report.sessions),
    h('h3', {}, 'Thresholds used'),
    h('p', {}, 'The same thresholds as each patient\'s progress page, from the first score to the week-8 score:'),
    thresholds,
    definitions(report),
    h('h3', {}, 'Sources'),
    citations.list(),
    report.generated_at ? h('p', {class: 'muted'}, `Counted ${local_date_time(report.generated_at)}. ` +
      'Each patient counted sees this look in their record of who looked, as "clinic outcomes dashboard".')
      : null,
  ];
}

// Counts only when asked: each count is a look at every sharing patient's record, written to
// their log, so merely opening the portal does not count.
async function load(content, button) {
  button.disabled = true;
  content.replaceChildren(h('p', {class: 'status loading', role: 'status'}, 'Counting the outcomes…'));
  try {
    const user = await fetch_me();
    if (!is_staff(user)) return;
    const report = await fetch_outcomes();
    content.replaceChildren(...render(report).filter(Boolean));
  } catch (error) {
    const detail = error instanceof ApiError && error.detail ? ` ${sentence(error.detail)}` : '';
    content.replaceChildren(h('p', {class: 'part-error', role: 'alert'},
      `The clinic outcomes could not be loaded. ${error.message}${detail}`));
  } finally {
    button.disabled = false;
    button.textContent = 'Count again';
  }
}

const outcomes_button = document.getElementById('outcomes-load');
const outcomes_content = document.getElementById('outcomes-content');
outcomes_button?.addEventListener('click', () => load(outcomes_content, outcomes_button));
