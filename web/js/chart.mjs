// An accessible SVG line chart of one measure: a point for each score, a line through the
// weekly averages, labelled axes, and a <title> and <desc> that say in words what it shows.
// Geometry goes in attributes and colours in css/progress.css, so no inline style is needed.

import {s} from './dom.mjs';
import {format_number, short_date} from './ui.mjs';

const kDayMilliseconds = 24 * 60 * 60 * 1000;
const kMargin = {left: 40, right: 14, top: 14, bottom: 46};

function time_of(at) {
  const time = new Date(at).getTime();
  return Number.isFinite(time) ? time : null;
}

// Returns about `count` tick values between min and max on a step of 1, 2, 5, 10, 20, ...
function value_ticks(min, max, count) {
  const span = Math.max(max - min, 1);
  const raw = span / Math.max(count, 1);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= raw) ?? raw;
  const ticks = [];
  for (let value = Math.ceil(min / step) * step; value <= max + 1e-9; value += step) ticks.push(value);
  return ticks;
}

// Returns tick times between start and end: every day, week or several weeks, at local midnight.
function time_ticks(start, end, max_count) {
  const days = Math.max(1, (end - start) / kDayMilliseconds);
  let step_days = Math.ceil(days / Math.max(1, max_count));
  if (step_days > 1) step_days = Math.max(7, Math.ceil(step_days / 7) * 7);
  const first = new Date(start);
  first.setHours(0, 0, 0, 0);
  if (first.getTime() < start) first.setDate(first.getDate() + 1);
  const ticks = [];
  for (const day = new Date(first); day.getTime() <= end; day.setDate(day.getDate() + step_days)) {
    ticks.push(day.getTime());
  }
  return ticks;
}

// Returns the chart's words: the title and a description of the scores and weekly averages.
export function describe_measure(measure, {window_start, window_end, direction_text}) {
  const scores = measure.series ?? [];
  const title = `${measure.name}: ${scores.length} ${scores.length === 1 ? 'score' : 'scores'} from ` +
    `${short_date(new Date(window_start))} to ${short_date(new Date(window_end))}`;
  const parts = [];
  if (scores.length > 0) {
    const values = scores.map((point) => point.score);
    parts.push(`First ${format_number(values[0])} on ${short_date(scores[0].at)}, ` +
               `latest ${format_number(values.at(-1))} on ${short_date(scores.at(-1).at)}, ` +
               `lowest ${format_number(Math.min(...values))}, highest ${format_number(Math.max(...values))}.`);
  } else {
    parts.push('No scores in these weeks.');
  }
  const weekly = (measure.weekly ?? []).filter((week) => typeof week.mean === 'number');
  if (weekly.length > 0) {
    parts.push(`Weekly averages: ${weekly.map((week) => `week of ${short_date(week.starts)} ${format_number(week.mean)}`)
      .join(', ')}.`);
  }
  if (direction_text) parts.push(direction_text);
  return {title, description: parts.join(' ')};
}

// Returns the <svg> for `measure` ({id, name, min, max, series: [{at, score}], weekly: [{starts,
// mean, count}]}) between window_start and window_end (milliseconds since the epoch), `width`
// pixels wide. `id_prefix` keeps the ids of several charts apart.
export function render_chart(measure, {window_start, window_end, width, id_prefix, direction_text}) {
  const height = width < 480 ? 230 : 270;
  const plot = {left: kMargin.left, right: width - kMargin.right, top: kMargin.top, bottom: height - kMargin.bottom};
  const scores = (measure.series ?? []).map((point) => ({time: time_of(point.at), score: point.score}))
    .filter((point) => point.time !== null && typeof point.score === 'number');
  const weekly = (measure.weekly ?? []).map((week) => ({time: time_of(week.starts), mean: week.mean}))
    .filter((week) => week.time !== null && typeof week.mean === 'number');

  const start = Math.min(window_start, ...scores.map((point) => point.time));
  const end = Math.max(window_end, ...scores.map((point) => point.time));
  const low = Number.isFinite(measure.min) ? measure.min : Math.min(0, ...scores.map((p) => p.score));
  const high = Number.isFinite(measure.max) ? measure.max : Math.max(1, ...scores.map((p) => p.score));
  const x = (time) => plot.left + ((time - start) / Math.max(end - start, 1)) * (plot.right - plot.left);
  const y = (value) => plot.bottom - ((value - low) / Math.max(high - low, 1e-9)) * (plot.bottom - plot.top);
  const round = (value) => Math.round(value * 10) / 10;

  const {title, description} = describe_measure(measure, {window_start, window_end, direction_text});
  const title_id = `${id_prefix}-chart-title`;
  const desc_id = `${id_prefix}-chart-desc`;

  const grid = value_ticks(low, high, 5).map((value) => [
    s('line', {class: 'chart-grid', x1: plot.left, x2: plot.right, y1: round(y(value)), y2: round(y(value))}),
    s('text', {class: 'chart-tick-label', x: plot.left - 6, y: round(y(value)), 'text-anchor': 'end',
               'dominant-baseline': 'middle'}, format_number(value)),
  ]);
  const x_ticks = time_ticks(start, end, Math.floor((plot.right - plot.left) / 64)).map((time) => [
    s('line', {class: 'chart-axis', x1: round(x(time)), x2: round(x(time)), y1: plot.bottom, y2: plot.bottom + 5}),
    s('text', {class: 'chart-tick-label', x: round(x(time)), y: plot.bottom + 18, 'text-anchor': 'middle'},
      short_date(new Date(time))),
  ]);

  // A weekly average sits in the middle of its week, inside the chart.
  const weekly_points = weekly.map((week) => ({
    x: round(x(Math.min(Math.max(week.time + 3.5 * kDayMilliseconds, start), end))),
    y: round(y(week.mean)),
  }));

  return s('svg', {class: 'chart', role: 'img', 'aria-labelledby': title_id, 'aria-describedby': desc_id,
                   viewBox: `0 0 ${width} ${height}`, width, height, focusable: 'false'},
    s('title', {id: title_id}, title),
    s('desc', {id: desc_id}, description),
    s('g', {'aria-hidden': 'true'},
      grid,
      s('line', {class: 'chart-axis', x1: plot.left, x2: plot.left, y1: plot.top, y2: plot.bottom}),
      s('line', {class: 'chart-axis', x1: plot.left, x2: plot.right, y1: plot.bottom, y2: plot.bottom}),
      x_ticks,
      s('text', {class: 'chart-axis-title', x: (plot.left + plot.right) / 2, y: height - 6, 'text-anchor': 'middle'},
        'Date'),
      s('text', {class: 'chart-axis-title', x: 12, y: (plot.top + plot.bottom) / 2, 'text-anchor': 'middle',
                 transform: `rotate(-90 12 ${(plot.top + plot.bottom) / 2})`}, 'Score'),
      weekly_points.length > 1
        ? s('polyline', {class: 'chart-weekly', points: weekly_points.map((p) => `${p.x},${p.y}`).join(' ')}) : null,
      weekly_points.map((p) => s('rect', {class: 'chart-weekly-point', x: p.x - 4, y: p.y - 4, width: 8, height: 8})),
      scores.map((point) => s('circle', {class: 'chart-point', cx: round(x(point.time)), cy: round(y(point.score)),
                                         r: 4.5}))));
}

// Returns the legend for render_chart: a point for each score, a line for weekly averages.
export function render_legend() {
  const swatch = (...children) => s('svg', {class: 'legend-swatch', width: 28, height: 14, viewBox: '0 0 28 14',
                                              'aria-hidden': 'true', focusable: 'false'}, children);
  const item = (icon, text) => {
    const li = document.createElement('li');
    li.append(icon, ` ${text}`);
    return li;
  };
  const list = document.createElement('ul');
  list.className = 'chart-legend';
  list.append(
    item(swatch(s('circle', {class: 'chart-point', cx: 14, cy: 7, r: 4.5})), 'each score'),
    item(swatch(s('line', {class: 'chart-weekly', x1: 1, x2: 27, y1: 7, y2: 7}),
                s('rect', {class: 'chart-weekly-point', x: 10, y: 3, width: 8, height: 8})), 'weekly average'));
  return list;
}
