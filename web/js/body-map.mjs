// Draws one view of the body map as an accessible SVG: the outline, the landmarks with their
// labels, the numbered places to treat and the places to keep off, plus an HTML legend.

import {outline_parts, kOutlineHeight, kOutlineWidth} from './body-outline.mjs';
import {h, s} from './dom.mjs';

function ellipse_box(area) {
  const angle = ((area.rotate_degrees ?? 0) * Math.PI) / 180;
  const half_width = Math.hypot(area.rx * Math.cos(angle), area.ry * Math.sin(angle));
  const half_height = Math.hypot(area.rx * Math.sin(angle), area.ry * Math.cos(angle));
  return {x0: area.cx - half_width, y0: area.cy - half_height,
          x1: area.cx + half_width, y1: area.cy + half_height};
}

function overlap(a, b) {
  const width = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
  const height = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  return width > 0 && height > 0 ? width * height : 0;
}

// Counts the sample points of the leader line from `point` to `box` that lie on an area.
function leader_crossings(point, box, obstacles) {
  const end_x = Math.min(Math.max(point.x, box.x0), box.x1);
  const end_y = Math.min(Math.max(point.y, box.y0), box.y1);
  let crossings = 0;
  for (let step = 1; step < 10; ++step) {
    const x = point.x + ((end_x - point.x) * step) / 10;
    const y = point.y + ((end_y - point.y) * step) / 10;
    for (const o of obstacles) if (x > o.x0 && x < o.x1 && y > o.y0 && y < o.y1) ++crossings;
  }
  return crossings;
}

// Splits "Front hip bone (ASIS)" into two label lines; short names stay on one line.
function label_lines(name) {
  const open = name.indexOf(' (');
  if (open > 0 && name.length > 20) return [name.slice(0, open), name.slice(open + 1)];
  return [name];
}

// Picks, for each landmark, the label position that stays inside the view and covers the
// fewest areas, dots and labels already placed.
function place_labels_in_order(landmarks, obstacles, view, font_size) {
  const gap = font_size * 0.7;
  const line_height = font_size * 1.15;
  const placed = [];
  for (const landmark of landmarks) {
    const lines = label_lines(landmark.name);
    const width = Math.max(...lines.map((line) => line.length)) * font_size * 0.56;
    const height = lines.length * line_height;
    const {x, y} = landmark;
    const candidates = [];
    for (const distance of [gap, gap * 3, gap * 5.5]) {
      candidates.push(
        {left: x + distance, top: y - height / 2},
        {left: x - distance - width, top: y - height / 2},
        {left: x - width / 2, top: y - distance - height},
        {left: x - width / 2, top: y + distance},
        {left: x + distance * 0.7, top: y - distance * 0.7 - height},
        {left: x - distance * 0.7 - width, top: y - distance * 0.7 - height},
        {left: x + distance * 0.7, top: y + distance * 0.7},
        {left: x - distance * 0.7 - width, top: y + distance * 0.7});
    }
    let best = null;
    for (const [order, candidate] of candidates.entries()) {
      const left = Math.min(Math.max(candidate.left, 2), view.width - width - 2);
      const top = Math.min(Math.max(candidate.top, 2), view.height - height - 2);
      const box = {x0: left, y0: top, x1: left + width, y1: top + height};
      const moved = Math.abs(left - candidate.left) + Math.abs(top - candidate.top);
      // Covering the dot itself is worst; then covering areas and other labels; then distance.
      let cost = order * 0.5 + (moved > 0 && overlap(box, {x0: x - 4, y0: y - 4, x1: x + 4, y1: y + 4}) ? 1e6 : 0);
      for (const obstacle of obstacles) cost += overlap(box, obstacle) * (obstacle.weight ?? 10);
      for (const other of placed) cost += overlap(box, other.box) * 10;
      if (order >= 8) cost += leader_crossings({x, y}, box, obstacles) * 400;
      if (!best || cost < best.cost) best = {cost, box, lines, line_height, far: order >= 8};
    }
    placed.push(best);
  }
  return placed;
}

// Places the labels in the given order and in reverse, and keeps the cheaper result.
function place_labels(landmarks, obstacles, view, font_size) {
  const forward = place_labels_in_order(landmarks, obstacles, view, font_size);
  const backward = place_labels_in_order([...landmarks].reverse(), obstacles, view, font_size).reverse();
  const total = (placements) => placements.reduce((sum, p) => sum + p.cost, 0);
  return total(backward) < total(forward) ? backward : forward;
}

function label_text(placement, font_size, class_name) {
  const {box, lines, line_height} = placement;
  const center = (box.x0 + box.x1) / 2;
  return s('text', {class: class_name, x: center.toFixed(1), 'text-anchor': 'middle',
                    'font-size': font_size.toFixed(1)},
           lines.map((line, index) => s('tspan', {
             x: center.toFixed(1),
             y: (box.y0 + line_height * (index + 0.8)).toFixed(1),
           }, line)));
}

function swatch(...children) {
  return s('svg', {class: 'swatch', viewBox: '0 0 24 16', width: 24, height: 16,
                   'aria-hidden': 'true', focusable: 'false'}, children);
}

// Returns {figure} for one view.
//   view: {id, name, width, height}
//   landmarks: [{id, name, x, y, cite_markers}] already placed on this view
//   treat: [{area, number, name, show_fibres}]  the group's places to treat, numbered
//   avoid: [{area, name}]                        places to keep off on this view
//   guide: optional {from, to, label}            a dashed line between two landmarks
//   id_prefix: unique prefix for ids inside the figure
export function render_body_map({view, landmarks, treat, avoid, guide, id_prefix}) {
  const title_id = `${id_prefix}-map-title`;
  const desc_id = `${id_prefix}-map-desc`;
  const hatch_id = `${id_prefix}-hatch`;
  const scale_x = view.width / kOutlineWidth;
  const scale_y = view.height / kOutlineHeight;
  const unit = Math.min(view.width, view.height) / 200;
  const font_size = 8.5 * unit;

  const parts = [];
  for (const part of outline_parts(view.id)) {
    parts.push(s('path', {class: `outline-${part.kind}`, d: part.d}));
    if (part.mirror) {
      parts.push(s('path', {class: `outline-${part.kind}`, d: part.d,
                            transform: `translate(${kOutlineWidth} 0) scale(-1 1)`}));
    }
  }
  const outline = s('g', {transform: `scale(${scale_x} ${scale_y})`}, parts);

  const guide_line = guide
    ? s('line', {class: 'map-guide', x1: guide.from.x, y1: guide.from.y, x2: guide.to.x, y2: guide.to.y,
                 'stroke-dasharray': `${4 * unit} ${3 * unit}`})
    : null;

  const rotate = (area) => `rotate(${area.rotate_degrees ?? 0} ${area.cx} ${area.cy})`;
  const avoid_shapes = avoid.map(({area}) => s('g', {class: 'map-avoid'},
    s('ellipse', {cx: area.cx, cy: area.cy, rx: area.rx, ry: area.ry, transform: rotate(area),
                  fill: `url(#${hatch_id})`, class: 'map-avoid-shape'}),
    s('circle', {class: 'map-avoid-badge', cx: area.cx, cy: area.cy, r: 6 * unit}),
    s('text', {class: 'map-avoid-badge-text', x: area.cx, y: area.cy + 3 * unit, 'text-anchor': 'middle',
               'font-size': (8.5 * unit).toFixed(1)}, '!')));
  const treat_shapes = treat.map(({area, number, show_fibres}) => s('g', {class: 'map-treat'},
    s('ellipse', {class: 'map-treat-shape', cx: area.cx, cy: area.cy, rx: area.rx, ry: area.ry,
                  transform: rotate(area)}),
    show_fibres
      ? s('line', {class: 'map-fibre', x1: area.cx, y1: area.cy - area.ry * 0.85, x2: area.cx,
                   y2: area.cy + area.ry * 0.85, transform: rotate(area),
                   'stroke-dasharray': `${2 * unit} ${2 * unit}`})
      : null,
    s('circle', {class: 'map-treat-badge', cx: area.cx, cy: area.cy, r: 6 * unit}),
    s('text', {class: 'map-treat-badge-text', x: area.cx, y: area.cy + 3 * unit, 'text-anchor': 'middle',
               'font-size': (8.5 * unit).toFixed(1)}, String(number))));

  const badge = 8 * unit;
  const obstacles = [...treat, ...avoid].flatMap(({area}) => [
    ellipse_box(area),
    {x0: area.cx - badge, y0: area.cy - badge, x1: area.cx + badge, y1: area.cy + badge, weight: 200},
  ]);
  for (const landmark of landmarks) {
    obstacles.push({x0: landmark.x - 4, y0: landmark.y - 4, x1: landmark.x + 4, y1: landmark.y + 4});
  }
  const placements = place_labels(landmarks, obstacles, view, font_size);
  const leader = (landmark, {box, far}) => {
    if (!far) return null;
    const x = Math.min(Math.max(landmark.x, box.x0), box.x1);
    const y = Math.min(Math.max(landmark.y, box.y0), box.y1);
    return s('line', {class: 'map-leader', x1: landmark.x, y1: landmark.y, x2: x.toFixed(1), y2: y.toFixed(1)});
  };
  const landmark_shapes = landmarks.map((landmark, index) => s('g', {class: 'map-landmark'},
    leader(landmark, placements[index]),
    s('circle', {class: 'map-landmark-dot', cx: landmark.x, cy: landmark.y, r: 3.2 * unit}),
    label_text(placements[index], font_size, 'map-label')));

  const described = [
    `Landmarks: ${landmarks.map((l) => l.name).join('; ') || 'none'}.`,
    `Places to treat: ${treat.map((t) => `${t.number}, ${t.name}`).join('; ') || 'none'}.`,
    avoid.length ? `Keep off: ${avoid.map((a) => a.name).join('; ')}.` : '',
    guide ? `A dashed line runs ${guide.label}.` : '',
  ].filter(Boolean).join(' ');

  const svg = s('svg', {
    class: `body-map-svg body-map-${view.id}`, viewBox: `0 0 ${view.width} ${view.height}`,
    role: 'img', 'aria-labelledby': title_id, 'aria-describedby': desc_id,
    width: view.width, height: view.height, preserveAspectRatio: 'xMidYMid meet',
  },
  s('title', {id: title_id}, `Body map: ${view.name}`),
  s('desc', {id: desc_id}, described),
  s('defs', {},
    s('pattern', {id: hatch_id, patternUnits: 'userSpaceOnUse', width: 5 * unit, height: 5 * unit,
                  patternTransform: 'rotate(45)'},
      s('rect', {class: 'hatch-background', width: 5 * unit, height: 5 * unit}),
      s('line', {class: 'hatch-line', x1: 0, y1: 0, x2: 0, y2: 5 * unit, 'stroke-width': 2.2 * unit}))),
  outline, guide_line, avoid_shapes, treat_shapes, landmark_shapes);

  const legend_items = [
    h('li', {}, swatch(s('circle', {class: 'map-landmark-dot', cx: 12, cy: 8, r: 4})),
      h('span', {}, 'Landmark: ', landmarks.map((l, i) => [i ? '; ' : '', l.name, l.cite_markers]))),
    h('li', {}, swatch(s('ellipse', {class: 'map-treat-shape', cx: 12, cy: 8, rx: 10, ry: 6})),
      h('span', {}, 'Place to treat, numbered as in “Where to treat”')),
  ];
  if (treat.some((t) => t.show_fibres)) {
    legend_items.push(h('li', {}, swatch(s('line', {class: 'map-fibre', x1: 2, y1: 8, x2: 22, y2: 8,
                                                    'stroke-dasharray': '3 2'})),
      h('span', {}, 'Direction of the muscle fibres')));
  }
  if (guide) {
    legend_items.push(h('li', {}, swatch(s('line', {class: 'map-guide', x1: 2, y1: 8, x2: 22, y2: 8,
                                                    'stroke-dasharray': '4 3'})),
      h('span', {}, `Imaginary line ${guide.label}`)));
  }
  for (const {name} of avoid) {
    legend_items.push(h('li', {class: 'legend-avoid'},
      swatch(s('ellipse', {class: 'map-avoid-shape', cx: 12, cy: 8, rx: 10, ry: 6, fill: `url(#${hatch_id})`})),
      h('span', {}, h('strong', {}, 'Keep off: '), name)));
  }

  const figure = h('figure', {class: 'body-map'},
    h('div', {class: 'body-map-frame'}, svg),
    h('figcaption', {},
      h('p', {class: 'body-map-caption'}, view.name),
      h('ul', {class: 'legend', 'aria-label': 'Map legend'}, legend_items)));
  return {figure};
}
