// The HipCoach protocol page: loads the protocol, lists the muscle groups and shows the one
// named in the URL hash (#tensor-fasciae-latae), so that a group can be linked and Back works.

import {ApiError, fetch_protocol} from './api.mjs';
import {h} from './dom.mjs';
import {render_group, render_group_links, render_guidance} from './render.mjs';

const elements = {
  status: document.getElementById('status'),
  error: document.getElementById('load-error'),
  content: document.getElementById('protocol'),
  nav_list: document.getElementById('group-list'),
  group_view: document.getElementById('group-view'),
  guidance: document.getElementById('guidance-content'),
};

let protocol = null;
let shown_group_id = null;

function sorted_groups() {
  return [...protocol.groups].sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
}

function group_from_hash() {
  const id = decodeURIComponent(window.location.hash.slice(1));
  return protocol.groups.find((group) => group.id === id) ?? null;
}

// Shows `group`. When `focus` is set (the reader chose it), moves focus to its heading so that
// keyboard and screen-reader users land on what they asked for.
function show_group(group, {focus}) {
  if (group.id !== shown_group_id) {
    elements.group_view.replaceChildren(render_group(group, protocol));
    shown_group_id = group.id;
    document.title = `${group.name} · HipCoach`;
    for (const link of elements.nav_list.querySelectorAll('a[data-group]')) {
      if (link.dataset.group === group.id) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
  }
  if (focus) {
    const heading = document.getElementById(`${group.id}-title`);
    heading?.focus({preventScroll: true});
    heading?.scrollIntoView({block: 'start'});
  }
}

function on_hash_change({initial}) {
  const group = group_from_hash();
  if (group) {
    show_group(group, {focus: !initial});
    if (initial) document.getElementById(`${group.id}-title`)?.scrollIntoView({block: 'start'});
    return;
  }
  // Any other hash (a footnote, a guidance section, the skip link) is left to the browser,
  // once a group is on the page for footnotes to point into.
  if (!shown_group_id) show_group(sorted_groups()[0], {focus: false});
  if (initial && window.location.hash.length > 1) {
    document.getElementById(decodeURIComponent(window.location.hash.slice(1)))?.scrollIntoView();
  }
}

function show_error(error) {
  const detail = error instanceof ApiError ? [error.detail, error.where ? `(at ${error.where})` : '']
    .filter(Boolean).join(' ') : '';
  const message = error instanceof ApiError
    ? error.message
    : 'Something went wrong while showing the protocol.';
  const retry = h('button', {type: 'button', class: 'button'}, 'Try again');
  retry.addEventListener('click', () => load());
  elements.error.replaceChildren(
    h('h2', {}, 'The self-treatment guide could not be loaded'),
    h('p', {}, message),
    detail ? h('p', {class: 'error-detail'}, detail) : null,
    h('p', {}, 'Please try again in a moment. If your hip pain is severe or getting worse, do not wait for ' +
      'this page: contact your clinician.'),
    h('p', {}, retry));
  elements.error.hidden = false;
}

async function load() {
  elements.error.hidden = true;
  elements.content.hidden = true;
  elements.status.textContent = 'Loading the self-treatment guide…';
  elements.status.classList.add('loading');
  try {
    protocol = await fetch_protocol();
    if (protocol.groups.length === 0) throw new ApiError('The protocol has no muscle groups yet.');
    shown_group_id = null;
    elements.nav_list.replaceChildren(...render_group_links(sorted_groups()));
    elements.guidance.replaceChildren(render_guidance(protocol.guidance, protocol.sources));
    elements.content.hidden = false;
    elements.status.textContent = '';
    elements.status.classList.remove('loading');
    on_hash_change({initial: true});
  } catch (error) {
    elements.status.textContent = '';
    elements.status.classList.remove('loading');
    console.error(error);
    show_error(error);
  }
}

window.addEventListener('hashchange', () => {
  if (protocol) on_hash_change({initial: false});
});
load();
