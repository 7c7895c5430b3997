// The clinic's settings (GET /api/v1/clinic), fetched once per page, and what every page that
// tells the person to seek care shows from them: a "Contact the clinic" box (name, a tel: link,
// the opening hours or "call to ask", the link to request an appointment online when the clinic
// takes requests) and the clinic's emergency number.
//
// Pieces are returned at once and filled when the settings arrive; once they have arrived (the
// usual case by the time a result is shown) they are filled before being returned. Without
// settings (the data has none, or the server cannot be reached) the box stays hidden and the
// emergency number reads "your local emergency number".

import {request_json} from './api.mjs';
import {h} from './dom.mjs';

const kLocalNumber = 'your local emergency number';

let loading = null;
let loaded;  // undefined until the request has settled; then the settings or null.

function usable(clinic) {
  return clinic !== null && typeof clinic === 'object' && typeof clinic.name === 'string' &&
    typeof clinic.phone === 'string' && typeof clinic.emergency_number === 'string' &&
    /^[0-9]{2,6}$/.test(clinic.emergency_number);
}

// Fetches the settings once; resolves to them, or to null when there are none. Never rejects.
export function load_clinic() {
  loading ??= request_json('/api/v1/clinic', 'the clinic’s contact details').then(
    (clinic) => { loaded = usable(clinic) ? clinic : null; return loaded; },
    () => { loaded = null; return null; });
  return loading;
}

function when_loaded(fill) {
  if (loaded !== undefined) {
    fill(loaded);
  } else {
    load_clinic().then(fill);
  }
}

// The digits of the phone number for a tel: link, with a leading '+' kept.
export function tel_href(clinic) {
  const digits = typeof clinic.tel === 'string' && clinic.tel ? clinic.tel
    : clinic.phone.replace(/(?!^\+)[^0-9]/g, '');
  return `tel:${digits}`;
}

function fill_number(span, clinic) {
  span.textContent = clinic ? clinic.emergency_number : kLocalNumber;
}

function fill_note(span, clinic) {
  span.textContent = clinic ? ' (or your local emergency number)' : '';
}

// A span holding the clinic's emergency number ("911"), or "your local emergency number".
export function emergency_number() {
  const span = h('span', {class: 'emergency-number'}, kLocalNumber);
  when_loaded((clinic) => fill_number(span, clinic));
  return span;
}

// A span that reads " (or your local emergency number)" after the clinic's number, and is empty
// when there is no clinic number (the number then already reads so).
export function local_number_note() {
  const span = h('span', {class: 'local-number-note'});
  when_loaded((clinic) => fill_note(span, clinic));
  return span;
}

// Fills the static pages' [data-emergency-number] and [data-local-number-note] spans under `root`.
export function fill_emergency_numbers(root = document) {
  when_loaded((clinic) => {
    for (const span of root.querySelectorAll('[data-emergency-number]')) fill_number(span, clinic);
    for (const span of root.querySelectorAll('[data-local-number-note]')) fill_note(span, clinic);
  });
}

// A span that reads " Call More 4 Life Physical Therapy on 314-941-3970." with the number as a
// tel: link, for a sentence that says to contact a clinician; empty when there is no clinic.
export function clinic_call() {
  const span = h('span', {class: 'clinic-call-inline'});
  when_loaded((clinic) => {
    if (!clinic) return;
    span.replaceChildren(` Call ${clinic.name} on `,
      h('a', {class: 'clinic-phone', href: tel_href(clinic)}, clinic.phone), '.');
  });
  return span;
}

function box_contents(clinic, heading, title_id) {
  const hours = Array.isArray(clinic.hours) ? clinic.hours.filter((line) => typeof line === 'string') : [];
  return [
    h(heading, {id: title_id}, 'Contact the clinic'),
    h('p', {class: 'clinic-name'}, h('strong', {}, clinic.name),
      clinic.address ? [h('br'), clinic.address] : null),
    h('p', {class: 'clinic-call'},
      h('a', {class: 'clinic-phone', href: tel_href(clinic)}, `Call ${clinic.phone}`)),
    hours.length > 0
      ? [h('p', {class: 'clinic-hours-title'}, 'Opening hours:'),
        h('ul', {class: 'plain-list clinic-hours'}, hours.map((line) => h('li', {}, line)))]
      : h('p', {class: 'clinic-hours'}, 'Opening hours: call to ask.'),
    Array.isArray(clinic.appointment_types) && clinic.appointment_types.length > 0
      ? h('p', {class: 'clinic-request'}, 'Not urgent? ',
        h('a', {class: 'clinic-request-link', href: 'appointments.html'}, 'Request an appointment online'), '.')
      : [],
    h('p', {class: 'emergency-line'},
      h('strong', {}, `In an emergency, call ${clinic.emergency_number}`), ' (or your local emergency number).'),
  ];
}

// Returns the "Contact the clinic" box: a section headed by `heading` (an element name such as
// 'h2') with the title id `${id}-title`, hidden until the settings arrive and while there are none.
export function clinic_box({heading = 'h3', id = 'clinic-contact', extra_class = ''} = {}) {
  const title_id = `${id}-title`;
  const box = h('section', {class: `clinic-contact${extra_class ? ` ${extra_class}` : ''}`, id,
                            'aria-labelledby': title_id, hidden: true});
  when_loaded((clinic) => {
    if (!clinic) return;
    box.replaceChildren(...box_contents(clinic, heading, title_id).flat());
    box.hidden = false;
  });
  return box;
}
