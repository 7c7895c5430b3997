// Small helpers that build DOM nodes without innerHTML, so that text from the API is never
// parsed as markup and the page needs no inline script or style.

const kSvgNamespace = 'http://www.w3.org/2000/svg';

function append_children(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function set_attributes(node, attributes) {
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
}

// Returns a new HTML element `tag` with the given attributes and children (nodes or text).
export function h(tag, attributes, ...children) {
  const node = document.createElement(tag);
  set_attributes(node, attributes);
  return append_children(node, children);
}

// Returns a new SVG element `tag`; geometry goes in attributes, never in style.
export function s(tag, attributes, ...children) {
  const node = document.createElementNS(kSvgNamespace, tag);
  set_attributes(node, attributes);
  return append_children(node, children);
}
