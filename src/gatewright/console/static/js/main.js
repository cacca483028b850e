// The console's router: hash routes (#/gateways/ID), one page at a time. Every page gets an AbortSignal
// that is aborted when the user leaves it, so its polling stops.

import { session, whenExpired } from "./api.js";
import { flash, h, mount } from "./dom.js";
import { loginPage } from "./pages/login.js";
import { createGatewayPage, gatewaysPage } from "./pages/gateways.js";
import { gatewayPage } from "./pages/gateway.js";
import { targetPage } from "./pages/target.js";
import { providersPage } from "./pages/providers.js";
import { tryItPage } from "./pages/tryit.js";

const ROUTES = [
  [/^\/gateways$/, gatewaysPage],
  [/^\/gateways\/new$/, createGatewayPage],
  [/^\/gateways\/([^/]+)$/, gatewayPage],
  [/^\/gateways\/([^/]+)\/targets\/new$/, (signal, id) => targetPage(signal, id, null)],
  [/^\/gateways\/([^/]+)\/targets\/([^/]+)$/, targetPage],
  [/^\/gateways\/([^/]+)\/try$/, tryItPage],
  [/^\/providers$/, providersPage],
];

let leave = null;
let message = null; // [text, kind] to show on the next page (set by go)

function current() {
  return decodeURIComponent(location.hash.replace(/^#/, "")) || "/gateways";
}

/** Show ``path``, with a message above it (what the last action did). */
export function go(path, text = null, kind = "ok") {
  message = text ? [text, kind] : null;
  if (current() === path) route();
  else location.hash = `#${path}`;
}

async function route() {
  if (leave) leave.abort();
  leave = new AbortController();
  flash(...(message || [""]));
  message = null;
  const path = current();
  const nav = document.getElementById("nav");
  const active = session.get();
  if (path === "/login" || !active) {
    nav.hidden = true;
    if (path !== "/login") {
      sessionStorage.setItem("gatewright.console.next", path);
    }
    loginPage(leave.signal);
    return;
  }
  nav.hidden = false;
  document.getElementById("who").textContent = active.who ? `Signed in: ${active.who}` : "";
  for (const link of nav.querySelectorAll("a")) {
    const here = path.startsWith(link.getAttribute("href").slice(1));
    if (here) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  for (const [pattern, page] of ROUTES) {
    const found = pattern.exec(path);
    if (found) {
      try {
        await page(leave.signal, ...found.slice(1));
      } catch (error) {
        mount(h("h1", {}, "Something went wrong"), h("p", { class: "msg error", role: "alert" }, error.message));
      }
      return;
    }
  }
  mount(h("h1", {}, "Not found"), h("p", {}, "There is no such page. ", h("a", { href: "#/gateways" }, "Back to gateways")));
}

whenExpired((text) => {
  if (current() !== "/login") go("/login", text, "error");
});

document.getElementById("logout").addEventListener("click", () => {
  session.clear();
  go("/login", "You are logged out.");
});

window.addEventListener("hashchange", route);
route();
