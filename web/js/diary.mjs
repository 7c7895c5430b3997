// The pain diary: a quick entry (a 0–10 rating, rest or activity, the side, the region and an
// optional note) and the recent entries, newest first, each deletable after a confirmation.
// A signed-out visitor is sent to the account page, which brings them back.
//
// The side, the context and the region chosen last are remembered in localStorage so that the
// next entry takes one tap after the number; pain values and notes are never stored there.

import {ApiError} from './api.mjs';
import {h} from './dom.mjs';
import {FormErrors, go_to_sign_in, kDiaryPreferencesKey, local_date_time, set_status, show_load_error,
        time_element} from './ui.mjs';
import {add_diary_entry, delete_diary_entry, fetch_diary} from './user-api.mjs';

const kPageSize = 20;
const kContexts = ['rest', 'activity'];
const kSides = ['left', 'right', 'both'];
const kContextText = {rest: 'at rest', activity: 'during activity'};
const kSideText = {left: 'left side', right: 'right side', both: 'both sides'};

const $ = (id) => document.getElementById(id);
const form = $('entry-form');
const region_select = $('region');
const elements = {
  status: $('status'),
  load_error: $('load-error'),
  diary: $('diary'),
  saved: $('saved'),
  list: $('entry-list'),
  entries_status: $('entries-status'),
  load_more: $('load-more'),
  save: $('save'),
  note: $('note'),
};
const errors = new FormErrors(form, {
  fields: {'/pain': $('pain'), '/context': $('context'), '/side': $('side'), '/region': region_select,
           '/note': elements.note},
  box: $('entry-error'),
});

let next_cursor = null;

function region_label(value) {
  const option = [...region_select.options].find((o) => o.value === value);
  return option ? option.textContent : String(value ?? '').replaceAll('_', ' ');
}

function load_preferences() {
  try {
    const stored = JSON.parse(window.localStorage.getItem(kDiaryPreferencesKey) ?? '{}');
    return typeof stored === 'object' && stored !== null ? stored : {};
  } catch {
    return {};
  }
}

function save_preferences({side, context, region}) {
  try {
    window.localStorage.setItem(kDiaryPreferencesKey, JSON.stringify({side, context, region}));
  } catch {
    // Without storage the choices are simply not remembered.
  }
}

function check(name, value) {
  const input = document.getElementById(`${name}-${value}`);
  if (input) input.checked = true;
}

// Sets the remembered choices; "at rest" and the outer hip when nothing is remembered. The
// side has no default: the first entry asks for it.
function apply_preferences() {
  const stored = load_preferences();
  check('context', kContexts.includes(stored.context) ? stored.context : 'rest');
  if (kSides.includes(stored.side)) check('side', stored.side);
  if ([...region_select.options].some((o) => o.value === stored.region)) region_select.value = stored.region;
}

function checked_value(name) {
  return form.querySelector(`input[name="${name}"]:checked`)?.value ?? null;
}

function entry_summary(entry) {
  return [`Pain ${entry.pain} out of 10`, kContextText[entry.context] ?? entry.context,
          kSideText[entry.side] ?? entry.side, region_label(entry.region).toLowerCase()].join(', ');
}

function render_entry(entry) {
  const when = local_date_time(entry.at);
  const actions = h('div', {class: 'entry-actions'});
  const item = h('li', {class: 'entry', 'data-id': entry.id},
    h('p', {class: 'entry-score', 'aria-hidden': 'true'}, String(entry.pain)),
    h('div', {class: 'entry-body'},
      h('p', {class: 'entry-time'}, time_element(entry.at)),
      h('p', {class: 'entry-summary'}, entry_summary(entry)),
      entry.note ? h('p', {class: 'entry-note'}, entry.note) : null),
    actions);

  const show_delete_button = ({focus}) => {
    const button = h('button', {type: 'button', class: 'button-link entry-delete'},
      'Delete', h('span', {class: 'visually-hidden'}, ` the entry of ${when}`));
    button.addEventListener('click', () => show_confirmation());
    actions.replaceChildren(button);
    if (focus) button.focus();
  };

  const show_confirmation = () => {
    const question_id = `confirm-${entry.id}`;
    const yes = h('button', {type: 'button', class: 'button button-danger entry-confirm',
                             'aria-describedby': question_id}, 'Delete');
    const keep = h('button', {type: 'button', class: 'button button-secondary entry-keep'}, 'Keep');
    yes.addEventListener('click', () => remove(item, entry, yes));
    keep.addEventListener('click', () => show_delete_button({focus: true}));
    actions.replaceChildren(
      h('p', {class: 'confirm-question', id: question_id}, `Delete the entry of ${when} for good?`),
      h('p', {class: 'confirm-buttons'}, yes, ' ', keep));
    keep.focus();
  };

  show_delete_button({focus: false});
  return item;
}

async function remove(item, entry, button) {
  button.disabled = true;
  try {
    await delete_diary_entry(entry.id);
  } catch (error) {
    button.disabled = false;
    if (error instanceof ApiError && error.status === 401) {
      go_to_sign_in('diary');
      return;
    }
    // A 404 means it is already gone (deleted on another device): take it off the list too.
    if (!(error instanceof ApiError && error.status === 404)) {
      elements.entries_status.textContent = `The entry could not be deleted. ${error.message}`;
      return;
    }
  }
  const following = item.nextElementSibling ?? item.previousElementSibling;
  item.remove();
  elements.entries_status.textContent = 'Entry deleted.';
  const target = following?.querySelector('.entry-delete') ?? $('entries-title');
  target.focus();
  show_empty_state();
}

function show_empty_state() {
  if (elements.list.children.length === 0 && !next_cursor) {
    elements.entries_status.textContent = 'No entries yet. Your saved ratings will appear here, newest first.';
  }
}

function show_page(page) {
  elements.list.append(...page.entries.map(render_entry));
  next_cursor = page.next;
  $('load-more-row').hidden = next_cursor === null;
  show_empty_state();
}

async function load_more() {
  elements.load_more.disabled = true;
  try {
    const count = elements.list.children.length;
    show_page(await fetch_diary({before: next_cursor, limit: kPageSize}));
    elements.list.children[count]?.querySelector('.entry-delete')?.focus();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      go_to_sign_in('diary');
      return;
    }
    elements.entries_status.textContent = `More entries could not be loaded. ${error.message}`;
  } finally {
    elements.load_more.disabled = false;
  }
}

async function save(event) {
  event.preventDefault();
  errors.clear();
  elements.saved.textContent = '';
  const pain = checked_value('pain');
  const context = checked_value('context');
  const side = checked_value('side');
  if (pain === null) {
    errors.show_at('/pain', 'Choose a number from 0 (no pain) to 10 (worst pain imaginable).');
    return;
  }
  if (context === null) {
    errors.show_at('/context', 'Choose at rest or during activity.');
    return;
  }
  if (side === null) {
    errors.show_at('/side', 'Choose the side that hurts: left, right or both.');
    return;
  }
  const entry = {pain: Number(pain), context, side, region: region_select.value};
  const note = elements.note.value.trim();
  if (note) entry.note = note;

  elements.save.disabled = true;
  let stored;
  try {
    stored = await add_diary_entry(entry);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      go_to_sign_in('diary');
      return;
    }
    errors.show_error(error);
    return;
  } finally {
    elements.save.disabled = false;
  }
  save_preferences(entry);
  for (const input of form.querySelectorAll('input[name="pain"]')) input.checked = false;
  elements.note.value = '';
  $('note-details').open = false;
  elements.saved.textContent = `Saved: pain ${stored?.pain ?? entry.pain} out of 10, ` +
    `${local_date_time(stored?.at ?? new Date().toISOString())}.`;
  if (stored && stored.id !== undefined) {
    elements.list.prepend(render_entry(stored));
    if (elements.entries_status.textContent.startsWith('No entries')) elements.entries_status.textContent = '';
  }
}

async function load() {
  elements.load_error.hidden = true;
  set_status(elements.status, 'Opening your diary…', {loading: true});
  let page;
  try {
    page = await fetch_diary({limit: kPageSize});
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      go_to_sign_in('diary');
      return;
    }
    set_status(elements.status, '');
    show_load_error(elements.load_error, 'Your diary could not be opened', error, () => load());
    return;
  }
  set_status(elements.status, '');
  elements.list.replaceChildren();
  show_page(page);
  elements.diary.hidden = false;
}

apply_preferences();
form.addEventListener('submit', save);
elements.load_more.addEventListener('click', load_more);
load();
