// Log in with the admin key pair (data/admin-credentials.json, `gatewright admin credentials`) or an OAuth
// client of the built-in issuer that holds the gatewright/admin scope. Both are exchanged for a short-lived
// admin token at the token endpoint; the secret is not kept.

import { ADMIN_SCOPE, login } from "../api.js";
import { field, h, mount, radios, showError } from "../dom.js";
import { go } from "../main.js";

export function loginPage() {
  const [mode, modeValue] = radios(
    "Log in with",
    "login-mode",
    [
      ["admin", "The admin key pair", "(accessKeyId and secretAccessKey of admin-credentials.json)"],
      ["client", "An OAuth client", `(a client of the built-in issuer with the ${ADMIN_SCOPE} scope)`],
    ],
    "admin",
  );
  const id = h("input", { name: "id", required: true, autocomplete: "username", spellcheck: "false" });
  const secret = h("input", { name: "secret", type: "password", required: true, autocomplete: "current-password" });
  const idField = field("Access key ID", id);
  const secretField = field("Secret access key", secret);
  const errors = h("div");
  const submit = h("button", { type: "submit", class: "primary" }, "Log in");
  mode.addEventListener("change", () => {
    const admin = modeValue() === "admin";
    idField.querySelector("label").firstChild.textContent = admin ? "Access key ID" : "Client ID";
    secretField.querySelector("label").firstChild.textContent = admin ? "Secret access key" : "Client secret";
  });
  const form = h(
    "form",
    { class: "card narrow", "aria-labelledby": "login-title" },
    mode,
    idField,
    secretField,
    errors,
    h("div", { class: "actions" }, submit),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    showError(errors, null);
    try {
      const who = modeValue() === "admin" ? "admin key pair" : `client ${id.value.trim()}`;
      await login(id.value.trim(), secret.value, who);
      secret.value = "";
      const next = sessionStorage.getItem("gatewright.console.next") || "/gateways";
      sessionStorage.removeItem("gatewright.console.next");
      go(next === "/login" ? "/gateways" : next);
    } catch (error) {
      showError(errors, error);
      submit.disabled = false;
    }
  });
  mount(
    h("h1", { id: "login-title" }, "Log in to gatewright"),
    h("p", { class: "lead" }, "The console manages gateways, targets and credential providers of this server."),
    form,
  );
  id.focus();
}
