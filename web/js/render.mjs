// Turns the protocol JSON into page sections: one muscle group, the general guidance and
// their numbered source lists. Every statement carries footnote markers for its sources.

import {render_body_map} from './body-map.mjs';
import {h} from './dom.mjs';

// Numbers the sources of one part of the page in order of first citation and builds the
// markers that link to them.
export class Citations {
  constructor(id_prefix, sources) {
    this.id_prefix_ = id_prefix;
    this.sources_ = new Map(sources.map((source) => [source.id, source]));
    this.numbers_ = new Map();
  }

  number_of(source_id) {
    if (!this.numbers_.has(source_id)) this.numbers_.set(source_id, this.numbers_.size + 1);
    return this.numbers_.get(source_id);
  }

  anchor_of(source_id) {
    return `${this.id_prefix_}-source-${this.number_of(source_id)}`;
  }

  // Returns a <sup> with one link per cited source, or null when `cite` is empty.
  markers(cite) {
    const ids = Array.isArray(cite) ? cite : [];
    if (ids.length === 0) return null;
    const links = ids.map((id, index) => [
      index ? h('span', {class: 'cite-separator'}, ' ') : null,
      h('a', {class: 'cite', href: `#${this.anchor_of(id)}`},
        h('span', {class: 'visually-hidden'}, 'Source '), String(this.number_of(id))),
    ]);
    return h('sup', {class: 'cites'}, links);
  }

  // Returns the numbered source list (an <ol>), in citation order.
  list() {
    const items = [...this.numbers_.entries()].map(([id, number]) => {
      const source = this.sources_.get(id);
      const anchor = `${this.id_prefix_}-source-${number}`;
      if (!source) {
        return h('li', {id: anchor, value: number}, `Unknown source “${id}”.`);
      }
      const year = Number(source.year) > 0 ? String(source.year) : '';
      const where = [source.publication, year].filter(Boolean).join(', ');
      return h('li', {id: anchor, value: number, class: `source source-${source.kind}`},
        h('span', {class: `source-kind source-kind-${source.kind}`},
          source.kind === 'clinic' ? 'Clinic' : 'Published'),
        ' ',
        h('cite', {}, source.title),
        source.authors ? ['. ', source.authors] : null,
        where ? ['. ', where] : null,
        '.',
        source.url ? [' ', h('a', {href: source.url, class: 'source-link', rel: 'noopener noreferrer'},
                              'Read the source', h('span', {class: 'visually-hidden'}, `: ${source.title}`))]
                   : null,
        source.note ? h('span', {class: 'source-note'}, source.note) : null);
    });
    return h('ol', {class: 'source-list'}, items);
  }
}

function statement(citations, value, tag = 'p', attributes = {}) {
  if (!value || !value.text) return null;
  return h(tag, attributes, value.text, citations.markers(value.cite));
}

function format_number(value) {
  return Number.isInteger(value) ? String(value) : String(Math.round(value * 100) / 100);
}

// Returns the hold time in words, e.g. "1.5 to 3 minutes (90–180 s)".
export function format_hold({min, max}) {
  if (max < 60) return min === max ? `${min} seconds` : `${min} to ${max} seconds`;
  const minutes = (seconds) => format_number(seconds / 60);
  const unit = max === 60 ? 'minute' : 'minutes';
  if (min === max) return `${minutes(min)} ${unit} (${min} s)`;
  return `${minutes(min)} to ${minutes(max)} ${unit} (${min}–${max} s)`;
}

// `details` go between the advice and its caveats (e.g. the hold time), `after` after both.
function step_section(citations, id_prefix, number, title, step, {details = null, after = null} = {}) {
  const heading_id = `${id_prefix}-step-${number}`;
  const caveats = (step?.caveats ?? []).map((caveat) => h('div', {class: 'statement statement-caveat'},
    h('p', {class: 'statement-label'}, h('span', {class: 'statement-icon', 'aria-hidden': 'true'}, '!'),
      'Published caution'),
    statement(citations, caveat)));
  return h('section', {class: 'step', 'aria-labelledby': heading_id},
    h('h3', {id: heading_id}, h('span', {class: 'step-number'}, `${number}.`), ' ', title),
    h('div', {class: 'statement statement-advice'},
      h('p', {class: 'statement-label'}, "Clinic's advice"),
      statement(citations, step?.advice)),
    details,
    caveats,
    after);
}

function landmarks_on(group, body_map) {
  const view_id = group.body_map_view;
  return (group.landmarks ?? []).flatMap((id) => {
    const landmark = (body_map.landmarks ?? []).find((l) => l.id === id);
    const position = landmark?.positions?.find((p) => p.view === view_id);
    return position ? [{id, name: landmark.name, cite: landmark.cite, x: position.x, y: position.y}] : [];
  });
}

// Returns the <section> for one muscle group, with its body map and its own source list.
export function render_group(group, protocol) {
  const {body_map, sources} = protocol;
  const id_prefix = group.id;
  const citations = new Citations(id_prefix, sources);
  const title_id = `${id_prefix}-title`;

  const summary = statement(citations, group.summary, 'p', {class: 'group-summary'});
  const facts = h('dl', {class: 'facts'},
    [['Where it is', group.location], ['What it does', group.function],
     ['Why it gets tender spots', group.why_trigger_points]]
      .filter(([, value]) => value?.text)
      .map(([term, value]) => h('div', {class: 'fact'}, h('dt', {}, term), statement(citations, value, 'dd'))),
    (group.muscles ?? []).length
      ? h('div', {class: 'fact'}, h('dt', {}, (group.muscles.length > 1 ? 'Muscles' : 'Muscle')),
          h('dd', {}, h('ul', {class: 'muscle-list'}, group.muscles.map((m) => h('li', {}, m.name)))))
      : null);

  const view = (body_map.views ?? []).find((v) => v.id === group.body_map_view);
  const map_areas = body_map.areas ?? [];
  const treat = (group.areas ?? []).map((area, index) => ({
    area: map_areas.find((a) => a.id === area.body_map_area && a.view === group.body_map_view),
    number: index + 1,
    name: area.name,
    show_fibres: Boolean(area.fibre_direction),
  })).filter((t) => t.area);
  const avoid = map_areas.filter((a) => a.kind === 'avoid' && a.view === group.body_map_view)
    .map((area) => ({area, name: area.name}));

  const landmarks = landmarks_on(group, body_map);
  const find_landmark = (id) => landmarks.find((l) => l.id === id);
  const guide = find_landmark('asis') && find_landmark('greater-trochanter')
    ? {from: find_landmark('asis'), to: find_landmark('greater-trochanter'),
       label: 'from the front hip bone to the greater trochanter'}
    : null;

  const map = view
    ? render_body_map({
        view, treat, avoid, guide, id_prefix,
        landmarks: landmarks.map((l) => ({...l, cite_markers: citations.markers(l.cite)})),
      }).figure
    : h('p', {class: 'body-map-missing'}, 'No body map is available for this muscle group.');

  const where_to_treat = h('div', {class: 'areas'},
    h('h4', {}, 'Where to treat'),
    h('ol', {class: 'area-list'}, (group.areas ?? []).map((area, index) => h('li', {class: 'area'},
      h('span', {class: 'area-number', 'aria-hidden': 'true'}, String(index + 1)),
      h('div', {},
        h('p', {class: 'area-name'}, area.name),
        statement(citations, area.description),
        area.fibre_direction ? h('p', {class: 'area-fibres'}, `Fibre direction: ${area.fibre_direction}`) : null)))));

  const hold = group.hold_seconds
    ? h('p', {class: 'hold'}, h('strong', {}, 'Hold: '),
        h('span', {class: 'hold-time'}, format_hold(group.hold_seconds)),
        citations.markers(group.hold_seconds.cite))
    : null;
  const tool = group.tool ? h('p', {class: 'tool'}, h('strong', {}, 'With: '), group.tool) : null;

  const cautions_id = `${id_prefix}-cautions`;
  const cautions = (group.cautions ?? []).length
    ? h('section', {class: 'cautions', 'aria-labelledby': cautions_id},
        h('h3', {id: cautions_id}, 'Cautions'),
        h('ul', {}, group.cautions.map((caution) => statement(citations, caution, 'li'))))
    : null;

  const steps = h('div', {class: 'steps'},
    step_section(citations, id_prefix, 1, 'Position', group.position),
    step_section(citations, id_prefix, 2, 'Locate', group.locate, {after: where_to_treat}),
    step_section(citations, id_prefix, 3, 'Treat', group.treat, {details: [tool, hold]}),
    cautions);

  const sources_id = `${id_prefix}-sources`;
  const source_list = h('section', {class: 'sources', 'aria-labelledby': sources_id},
    h('h3', {id: sources_id}, 'Sources for this muscle group'),
    citations.list());

  return h('section', {class: 'group', id: group.id, 'aria-labelledby': title_id},
    h('h2', {id: title_id, tabindex: '-1'}, group.name),
    summary,
    h('div', {class: 'group-layout'},
      h('div', {class: 'group-map'}, map),
      h('div', {class: 'group-body'}, facts, steps)),
    source_list);
}

// Returns the general guidance section with its own source list.
export function render_guidance(guidance, sources) {
  const citations = new Citations('guidance', sources);
  const sections = guidance.map((section) => {
    const heading_id = `guidance-${section.id}-title`;
    return h('section', {class: `guidance-section guidance-${section.id}`, id: `guidance-${section.id}`,
                         'aria-labelledby': heading_id},
      h('h3', {id: heading_id}, section.title),
      (section.statements ?? []).map((value) => statement(citations, value)));
  });
  return h('div', {class: 'guidance-body'},
    h('div', {class: 'guidance-sections'}, sections),
    h('section', {class: 'sources', 'aria-labelledby': 'guidance-sources-title'},
      h('h3', {id: 'guidance-sources-title'}, 'Sources for the general guidance'),
      citations.list()));
}

// Returns one link per group for the group navigation.
export function render_group_links(groups) {
  return groups.map((group) => h('li', {},
    h('a', {class: 'group-link', href: `#${group.id}`, 'data-group': group.id}, group.name)));
}
