// A form generated from a tool's inputSchema: one control per top-level property (text, number, a choice for
// enums and booleans, JSON for objects and arrays), required ones marked; or the arguments as raw JSON.

import { field, h, newId, select } from "./dom.js";

function typeOf(schema) {
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  if (type) return type;
  if (schema.enum) return "enum";
  if (schema.properties) return "object";
  return "json";
}

function control(name, schema, required) {
  const attrs = { name, required, dataset: { arg: name } };
  if (Array.isArray(schema.enum)) {
    const options = schema.enum.map((v) => [JSON.stringify(v), String(v)]);
    return { input: select(required ? options : [["", "(not set)"], ...options], attrs), kind: "enum" };
  }
  const type = typeOf(schema);
  if (type === "integer" || type === "number") {
    return { input: h("input", { ...attrs, type: "number", step: type === "integer" ? "1" : "any" }), kind: type };
  }
  if (type === "boolean") {
    const options = [["true", "true"], ["false", "false"]];
    return { input: select(required ? options : [["", "(not set)"], ...options], attrs), kind: "boolean" };
  }
  if (type === "string") return { input: h("input", { ...attrs, type: "text", spellcheck: "false" }), kind: "string" };
  const input = h("textarea", { ...attrs, rows: 3, class: "mono", placeholder: type === "array" ? "[ ]" : "{ }" });
  return { input, kind: "json" };
}

function read(name, kind, input) {
  const raw = input.value;
  if (raw === "") return undefined;
  if (kind === "integer" || kind === "number") return Number(raw);
  if (kind === "boolean") return raw === "true";
  if (kind === "enum") return JSON.parse(raw);
  if (kind === "json") {
    try {
      return JSON.parse(raw);
    } catch (error) {
      throw new Error(`${name} is not valid JSON (${error.message}).`);
    }
  }
  return raw;
}

/** schemaForm(tool.inputSchema) -> {element, value()}; value() throws an Error a person can act on. */
export function schemaForm(schema) {
  const properties = (schema && schema.properties) || {};
  const required = new Set((schema && schema.required) || []);
  const controls = [];
  const fields = Object.entries(properties).map(([name, prop]) => {
    const { input, kind } = control(name, prop || {}, required.has(name));
    input.id = newId("arg");
    controls.push({ name, kind, input });
    const hint = [typeOf(prop || {}), prop?.description].filter(Boolean).join(" · ");
    return field(name, input, hint);
  });
  const rawId = newId("raw");
  const raw = h("textarea", { id: rawId, rows: 6, class: "mono", spellcheck: "false" });
  const useRaw = h("input", { type: "checkbox", id: `${rawId}-use` });
  const rawBox = h("div", { hidden: true }, field("Arguments (JSON object)", raw));
  useRaw.addEventListener("change", () => {
    if (useRaw.checked) raw.value = JSON.stringify(safeValue(), null, 2);
    rawBox.hidden = !useRaw.checked;
    for (const c of controls) c.input.disabled = useRaw.checked;
  });
  const element = h(
    "div",
    { class: "schema-form" },
    fields.length ? fields : h("p", { class: "hint" }, "This tool takes no arguments."),
    h("div", { class: "field check" }, useRaw, h("label", { for: useRaw.id }, "Edit the arguments as JSON")),
    rawBox,
  );
  function formValue() {
    const args = {};
    for (const { name, kind, input } of controls) {
      const value = read(name, kind, input);
      if (value !== undefined) args[name] = value;
      else if (required.has(name)) throw new Error(`${name} is required.`);
    }
    return args;
  }
  function safeValue() {
    try {
      return formValue();
    } catch {
      return {};
    }
  }
  const value = () => {
    if (!useRaw.checked) return formValue();
    let parsed;
    try {
      parsed = JSON.parse(raw.value || "{}");
    } catch (error) {
      throw new Error(`the arguments are not valid JSON (${error.message}).`);
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("the arguments must be a JSON object.");
    return parsed;
  };
  return { element, value };
}
