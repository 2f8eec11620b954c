import { logIn } from "./api.js";
import { h } from "./ui.js";

export function loginView(onDone) {
  const error = h("p", { class: "muted", testid: "login-error" });
  const name = h("input", { name: "name", autocomplete: "username", required: true, testid: "login-name" });
  const password = h("input", { name: "password", type: "password", autocomplete: "current-password",
    required: true, testid: "login-password" });
  const form = h("form", { class: "stack panel login", testid: "login-form",
    onsubmit: async (e) => {
      e.preventDefault();
      error.textContent = "";
      try {
        onDone(await logIn(name.value, password.value));
      } catch (err) {
        error.textContent = err.status === 401 ? "Unknown user or wrong password." : err.message;
      }
    } },
  h("h1", {}, "Ferry"),
  h("label", {}, "User", name),
  h("label", {}, "Password", password),
  h("button", { class: "primary", type: "submit", testid: "login-submit" }, "Log in"),
  error);
  return form;
}
