// Small DOM helpers shared by both pages.
import { t } from "./i18n.js";

export const $ = (selector, root = document) => root.querySelector(selector);

/** Put text into a live region so screen readers say it. Clearing first makes a
 *  repeated sentence ("Message sent") be spoken again. */
export function announce(region, text) {
  region.textContent = "";
  // A new text node in a later task is what every screen reader notices.
  setTimeout(() => {
    region.textContent = text;
  }, 50);
}

/** Move focus to an element (headings get tabindex=-1 in the HTML). */
export function focusOn(el) {
  if (el) el.focus();
}

/** Show one of a set of views, hide the others. */
export function show(el, visible = true) {
  el.hidden = !visible;
}

/** Make an element with text. */
export function el(tag, text, attrs = {}) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  return node;
}

/** The sentence to show for an API error (its detail when it has one). */
export function errorText(error) {
  if (error && error.detail) return error.detail;
  if (error && error.status === 0) return t("error.network");
  return t("error.generic");
}

/** Read a Blob as a data: URL (the CSP allows data: images, not blob:). */
export function dataUrl(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

/** Wire the language <select> in the header. */
export function wireLanguageSelect(select, setLanguage, current) {
  select.value = current;
  select.addEventListener("change", () => setLanguage(select.value));
}
