// Adds "Portal" to the site header for clinic staff (role clinician or admin). The portal page
// checks the role itself too; the link only saves staff from typing the address.

const kStaffRoles = ['clinician', 'admin'];

export function is_staff(user) {
  return kStaffRoles.includes(user?.role);
}

// Appends the Portal link to the header's list once, when `user` is staff; `current` marks it
// as the page being shown.
export function show_portal_link(user, {current = false} = {}) {
  const list = document.querySelector('.site-nav ul');
  if (!list || !is_staff(user) || list.querySelector('a[href="portal.html"]')) return;
  const link = document.createElement('a');
  link.href = 'portal.html';
  link.textContent = 'Portal';
  if (current) link.setAttribute('aria-current', 'page');
  const item = document.createElement('li');
  item.append(link);
  list.append(item);
}

// Removes the Portal link (after signing out).
export function hide_portal_link() {
  document.querySelector('.site-nav a[href="portal.html"]')?.closest('li')?.remove();
}
