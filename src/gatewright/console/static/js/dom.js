// Small DOM helpers: element building (text is always set as text, never parsed as HTML), messages,
// copy buttons, status badges and labelled fields.

let uid = 0;

/** A new id for label/input pairs. */
export function newId(prefix = "f") {
  uid += 1;
  return `${prefix}-${uid}`;
}

/**
 * h("button", {class: "primary", onclick: f}, "Save"): an element. Attributes named on* are event
 * listeners; true/false set or omit boolean attributes; null and undefined children are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (key === "class") {
      el.className = value;
    } else if (key === "dataset") {
      Object.assign(el.dataset, value);
    } else if (key === "value") {
      el.value = value;
    } else if (value === true) {
      el.setAttribute(key, "");
    } else {
      el.setAttribute(key, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace the page content; the first heading gets the focus so that keyboard and screen-reader users follow. */
export function mount(...nodes) {
  const main = document.getElementById("main");
  main.replaceChildren(...nodes);
  const heading = main.querySelector("h1");
  if (heading) {
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
  }
  window.scrollTo(0, 0);
}

/** A message above the page (kind: "ok" or "error"), kept until the next navigation or message. */
export function flash(message, kind = "ok") {
  const box = document.getElementById("flash");
  box.replaceChildren(message ? h("p", { class: `msg ${kind}` }, message) : "");
}

/** An inline error message for a failure; fields named by a ValidationException are listed. */
export function errorBox(error) {
  const box = h("div", { class: "msg error", role: "alert" }, h("strong", {}, errorTitle(error)), " ", error.message);
  if (error.fields && error.fields.length) {
    box.append(h("ul", {}, error.fields.map((f) => h("li", {}, h("code", {}, f.name), ": ", f.message))));
  }
  return box;
}

function errorTitle(error) {
  if (error.type) return `${error.type.replace(/:$/, "")}:`;
  return "Error:";
}

/** Show ``error`` (or nothing) in ``slot``. */
export function showError(slot, error) {
  slot.replaceChildren(error ? errorBox(error) : "");
  if (error) slot.scrollIntoView({ block: "nearest" });
}

const BUSY = new Set(["CREATING", "UPDATING", "SYNCHRONIZING", "DELETING"]);
const BAD = new Set(["FAILED", "UPDATE_UNSUCCESSFUL", "SYNCHRONIZE_UNSUCCESSFUL"]);

export function isBusy(status) {
  return BUSY.has(status);
}

/** A status badge; busy statuses carry an indeterminate progress bar. */
export function statusBadge(status) {
  const kind = BUSY.has(status) ? "busy" : BAD.has(status) ? "bad" : status === "READY" ? "good" : "";
  const badge = h("span", { class: `status ${kind}`, dataset: { status } }, status);
  if (!BUSY.has(status)) return badge;
  return h("span", { class: "status-wrap" }, badge, h("progress", { "aria-label": `${status}…` }));
}

/** A button that copies ``text()`` to the clipboard and says so (``what`` names the value for screen readers). */
export function copyButton(text, label = "Copy", what = null) {
  const button = h("button", { type: "button", class: "copy", "aria-label": what ? `${label} ${what}` : label }, label);
  button.addEventListener("click", async () => {
    const value = typeof text === "function" ? text() : text;
    try {
      await navigator.clipboard.writeText(value);
      button.textContent = "Copied";
    } catch {
      button.textContent = "Select and press Ctrl+C";
    }
    setTimeout(() => {
      button.textContent = label;
    }, 1500);
  });
  return button;
}

/** A read-only value with a copy button (``name`` labels both). */
export function copyField(name, value, attrs = {}) {
  const id = newId("copy");
  const input = h("input", { id, value, readonly: true, class: "mono", spellcheck: "false", ...attrs });
  return h(
    "div",
    { class: "field copyfield" },
    h("label", { for: id }, name),
    h("div", { class: "row" }, input, copyButton(() => input.value, "Copy", name)),
  );
}

/** A labelled form control: field("Name", h("input", {...}), "hint"). */
export function field(label, control, hint) {
  const id = control.id || newId();
  control.id = id;
  const hintId = hint ? `${id}-hint` : null;
  if (hintId) control.setAttribute("aria-describedby", hintId);
  // The required mark sits beside the label, not in it: the accessible name stays the label's text (the
  // control's own ``required`` tells assistive technology).
  return h(
    "div",
    { class: "field" },
    h("div", { class: "label-line" }, h("label", { for: id }, label), control.required ? h("span", { class: "req", "aria-hidden": "true" }, "*") : null),
    control,
    hint ? h("p", { class: "hint", id: hintId }, hint) : null,
  );
}

/** A <select> with [value, label] options. */
export function select(options, attrs = {}) {
  return h("select", attrs, options.map(([value, label]) => h("option", { value }, label)));
}

/** A fieldset of radio buttons; returns [fieldset, () => checked value]. */
export function radios(legend, name, options, checked) {
  const set = h("fieldset", { class: "radios" }, h("legend", {}, legend));
  for (const [value, label, hint] of options) {
    const id = newId(name);
    set.append(
      h(
        "div",
        { class: "radio" },
        h("input", { type: "radio", name, id, value, checked: value === checked }),
        h("label", { for: id }, label, hint ? h("span", { class: "hint" }, ` ${hint}`) : null),
      ),
    );
  }
  const value = () => set.querySelector(`input[name="${name}"]:checked`)?.value;
  return [set, value];
}

/** A table with a header row; rows are arrays of cells (nodes or text). */
export function table(headers, rows, attrs = {}) {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      attrs,
      h("thead", {}, h("tr", {}, headers.map((t) => h("th", { scope: "col" }, t)))),
      h(
        "tbody",
        {},
        rows.map((cells) => h("tr", {}, cells.map((c) => h("td", {}, c)))),
      ),
    ),
  );
}

/** A button that asks for a second click before it acts (no modal dialogs). */
export function confirmButton(label, action, confirmLabel = `Confirm: ${label.toLowerCase()}`) {
  const button = h("button", { type: "button", class: "danger" }, label);
  let armed = null;
  button.addEventListener("click", async () => {
    if (!armed) {
      button.textContent = confirmLabel;
      armed = setTimeout(() => {
        armed = null;
        button.textContent = label;
      }, 5000);
      return;
    }
    clearTimeout(armed);
    armed = null;
    button.disabled = true;
    try {
      await action();
    } finally {
      button.disabled = false;
      button.textContent = label;
    }
  });
  return button;
}

/** Lines of text, comma or newline separated, trimmed, empty ones dropped. */
export function listOf(text) {
  return String(text || "")
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}
