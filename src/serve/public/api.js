/* global document, window, sessionStorage, MutationObserver */
// What every script of the page shares: element lookup and the JSON call with the tab's API key.
export const $ = (id) => document.getElementById(id);

/**
 * Fetches JSON; on 401 asks once for the API key (kept for this tab only) and retries. A failure throws an Error
 * with the server's message and the HTTP status.
 */
export async function api(path, options = {}) {
  const headers = { ...(options.body ? { 'content-type': 'application/json' } : {}) };
  const key = sessionStorage.getItem('embedkit-key');
  if (key) headers.authorization = `Bearer ${key}`;
  const res = await fetch(path, { ...options, headers });
  if (res.status === 401 && !options.retried) {
    const entered = window.prompt('This server needs an API key:');
    if (entered) {
      sessionStorage.setItem('embedkit-key', entered.trim());
      return api(path, { ...options, retried: true });
    }
  }
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(body.error?.message ?? `${res.status} ${res.statusText}`), { status: res.status });
  return body;
}

/** Resolves once app.js has loaded the models: by then it has asked for the API key if the server needs one. */
export function explorerReady() {
  return new Promise((resolve) => {
    if (document.body.dataset.ready === 'true') return resolve();
    const watch = new MutationObserver(() => {
      if (document.body.dataset.ready === 'true') {
        watch.disconnect();
        resolve();
      }
    });
    watch.observe(document.body, { attributes: true, attributeFilter: ['data-ready'] });
  });
}

/**
 * A view's data, asked for once the explorer is ready; `{ [key]: null }` when the server has none for it (or the
 * request fails), so a view without data adds no tab.
 */
export async function viewData(path, key) {
  await explorerReady();
  try {
    return await api(path);
  } catch {
    return { [key]: null };
  }
}
