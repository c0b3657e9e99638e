/* global document, window */
// The page's views as tabs. The word explorer is always there; every other view (search, and those added after it)
// registers its own tab from its own module, so adding a view never edits another view's code. The tab bar stays
// hidden until a second view registers: a server with nothing but word models shows the explorer as it always was.

import { $ } from './api.js';

/** name → { button, panel, onShow } */
const views = new Map();

function ensureExplore() {
  if (views.has('explore')) return;
  const button = $('tab-explore');
  views.set('explore', { button, panel: $('explore-view'), onShow: null });
  button.addEventListener('click', () => showTab('explore'));
}

/**
 * Adds a tab for a view. `panel` is the view's element (its `id` is the tab's `aria-controls`); `onShow` runs each
 * time the tab is opened (to refresh lists or focus a field). A tab named in the URL's hash (`#search`) opens at once.
 */
export function registerTab(name, { label, panel, onShow = null }) {
  ensureExplore();
  let button = $(`tab-${name}`);
  if (!button) {
    button = Object.assign(document.createElement('button'), { type: 'button', id: `tab-${name}`, textContent: label });
    button.setAttribute('role', 'tab');
    button.setAttribute('aria-controls', panel.id);
    button.setAttribute('aria-selected', 'false');
    $('tabs').append(button);
  }
  panel.setAttribute('role', 'tabpanel');
  panel.setAttribute('aria-labelledby', button.id);
  views.set(name, { button, panel, onShow });
  button.addEventListener('click', () => showTab(name));
  $('tabs').hidden = false;
  // A tab written into the page whose view did not register (Search on a server without collections) stays hidden.
  for (const b of $('tabs').querySelectorAll('[role=tab]')) b.hidden = ![...views.values()].some((v) => v.button === b);
  if (window.location.hash === `#${name}`) showTab(name);
}

/** Shows one view and hides the others. */
export function showTab(name) {
  ensureExplore();
  if (!views.has(name)) return;
  for (const [other, view] of views) {
    const chosen = other === name;
    view.button.setAttribute('aria-selected', String(chosen));
    view.panel.hidden = !chosen;
  }
  views.get(name).onShow?.();
}
