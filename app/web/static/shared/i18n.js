// The page's language: a small catalogue per language (i18n/en.js, i18n/ja.js),
// `data-i18n*` attributes filled from it, and <html lang> kept in step so screen
// readers switch voice.
import en from "./i18n/en.js";
import ja from "./i18n/ja.js";

const CATALOGUES = { en, ja };
const STORAGE_KEY = "sightline.language";
let current = "en";

/** The saved choice, else the browser's first language we have, else English. */
export function initialLanguage() {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved && CATALOGUES[saved]) return saved;
  for (const tag of navigator.languages || []) {
    const base = tag.toLowerCase().split("-")[0];
    if (CATALOGUES[base]) return base;
  }
  return "en";
}

export function language() {
  return current;
}

/** The message `key` in the current language, with `{name}` placeholders filled. */
export function t(key, vars = {}) {
  const text = CATALOGUES[current][key] ?? CATALOGUES.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : ""));
}

/** Switch language: <html lang>, every translated node, and a `languagechange` event. */
export function setLanguage(lang) {
  current = CATALOGUES[lang] ? lang : "en";
  localStorage.setItem(STORAGE_KEY, current);
  document.documentElement.lang = current;
  translate(document);
  document.dispatchEvent(new CustomEvent("sightline:language", { detail: current }));
}

/** Fill `data-i18n` (text), `data-i18n-label` (aria-label), `data-i18n-alt`,
 *  `data-i18n-placeholder` and the <title> (`data-i18n` on it too). */
export function translate(root) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-label]"))
    el.setAttribute("aria-label", t(el.dataset.i18nLabel));
  for (const el of root.querySelectorAll("[data-i18n-placeholder]"))
    el.setAttribute("placeholder", t(el.dataset.i18nPlaceholder));
}
