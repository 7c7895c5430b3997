// Words for scores, directions and change thresholds, shared by the questionnaire and progress
// pages. The numbers and their sources always come from the API; only the wording is here.

import {h} from './dom.mjs';
import {format_number} from './ui.mjs';

// Returns 'higher' when a higher score is better, 'lower' when a lower one is, else null.
// Accepts the API's "higher_is_better" / "lower_is_better" and the data's "better" / "worse"
// (for higher_is).
export function better_direction(direction) {
  const text = String(direction ?? '');
  if (/higher_is_better|lower_is_worse/.test(text) || text === 'better') return 'higher';
  if (/lower_is_better|higher_is_worse/.test(text) || text === 'worse') return 'lower';
  return null;
}

// Returns a sentence such as "On this scale a higher score is better.", or '' when unknown.
export function direction_sentence(direction) {
  const better = better_direction(direction);
  if (better === 'higher') return 'On this scale a higher score is better.';
  if (better === 'lower') return 'On this scale a lower score is better.';
  return '';
}

function points(value) {
  return `${format_number(value, 2)} ${value === 1 ? 'point' : 'points'}`;
}

const kThresholdNames = {
  mdc: 'MDC, the minimal detectable change',
  mcid: 'MCID, the minimal clinically important difference',
  much_better: 'The change counted as “much better”',
};

const kThresholdMeanings = {
  mdc: 'a change must be larger than this to be more than measurement error',
  mcid: 'the smallest change that counts as meaningful',
  much_better: 'a larger change, counted as much better',
};

// Returns the name of a threshold ('mdc', 'mcid', 'much_better') for people.
export function threshold_name(name) {
  return kThresholdNames[name] ?? String(name).replaceAll('_', ' ');
}

// Returns an <li> per threshold of a questionnaire's `thresholds` object
// ({mcid: {points, percent?, cite}, mdc: {...}, much_better: {...}}), with source markers
// from `citations` (render.mjs Citations).
export function threshold_items(thresholds, citations) {
  const order = ['mdc', 'mcid', 'much_better'];
  const names = Object.keys(thresholds ?? {}).filter((name) => typeof thresholds[name] === 'object' &&
                                                                thresholds[name] !== null).sort((a, b) => {
    const rank = (name) => (order.includes(name) ? order.indexOf(name) : order.length);
    return rank(a) - rank(b);
  });
  return names.map((name) => {
    const threshold = thresholds[name] ?? {};
    const amounts = [typeof threshold.points === 'number' ? points(threshold.points) : null,
                     typeof threshold.percent === 'number' ? `${format_number(threshold.percent)} % of your first score`
                       : null].filter(Boolean).join(' or ');
    const meaning = kThresholdMeanings[name];
    return h('li', {},
      h('strong', {}, threshold_name(name)), `: ${amounts || 'not given'}`,
      meaning ? ` (${meaning})` : '', '.', citations.markers(threshold.cite));
  });
}

// Returns the text of one progress check {name, unit, value, met}: "MCID: 1 point — reached".
export function check_text(check) {
  const amount = check.unit === 'percent' ? `${format_number(check.value)} %` : points(check.value);
  return `${threshold_name(check.name)}: ${amount}`;
}
