// Accounts: everyone changes their own password here; an admin also sees, creates and deletes
// dashboard users (API tokens for ferryctl stay with `ferryctl token-create`).
import { api, get } from "./api.js";
import { fill, h, table, time } from "./ui.js";

export function usersView(session) {
  const me = session.user;
  const isAdmin = me.role === "admin";
  const current = h("input", { type: "password", autocomplete: "current-password", testid: "own-current" });
  const own = h("input", { type: "password", autocomplete: "new-password", minlength: 10, testid: "own-password" });
  const ownStatus = h("p", { class: "muted", testid: "own-password-status" });
  const ownForm = h("form", { class: "inline panel", onsubmit: async (e) => {
    e.preventDefault();
    try {
      await api("PUT", `/api/v1/users/${encodeURIComponent(me.name)}/password`,
        { password: own.value, current_password: current.value });
      own.value = "";
      current.value = "";
      ownStatus.textContent = "Password changed; your other sessions ended.";
    } catch (err) {
      ownStatus.textContent = `Refused: ${err.message}`;
    }
  } }, h("label", {}, "Current password", current), h("label", {}, `New password for ${me.name}`, own),
  h("button", { type: "submit" }, "Change"), ownStatus);

  const list = h("div", { testid: "users" });
  const name = h("input", { testid: "user-name", placeholder: "name" });
  const role = h("select", { testid: "user-role" }, ["viewer", "operator", "admin"].map((r) => h("option", { value: r }, r)));
  const password = h("input", { type: "password", autocomplete: "new-password", testid: "user-password", placeholder: "10+ characters" });
  const status = h("p", { class: "muted", testid: "user-status" });
  const createForm = h("form", { class: "inline panel", testid: "user-form", onsubmit: async (e) => {
    e.preventDefault();
    try {
      await api("POST", "/api/v1/users", { name: name.value, role: role.value, password: password.value });
      status.textContent = `User ${name.value} created.`;
      name.value = "";
      password.value = "";
      await refresh();
    } catch (err) {
      status.textContent = `Refused: ${err.message}`;
    }
  } }, h("label", {}, "Name", name), h("label", {}, "Role", role), h("label", {}, "Password", password),
  h("button", { type: "submit", class: "primary", testid: "user-create" }, "Create user"), status);

  async function remove(user) {
    if (!confirm(`Delete ${user}? Their sessions end at once.`)) return;
    try {
      await api("DELETE", `/api/v1/users/${encodeURIComponent(user)}`);
      await refresh();
    } catch (err) {
      status.textContent = `Refused: ${err.message}`;
    }
  }

  async function refresh() {
    if (!isAdmin) return;
    const { users } = await get("/api/v1/users");
    fill(list, table(["User", "Role", "Created", "Last log-in", ""], users.map((u) => h("tr", { "data-user": u.name },
      h("td", {}, u.name), h("td", {}, u.role), h("td", {}, time(u.created_at)), h("td", {}, time(u.last_login_at)),
      h("td", {}, u.name === me.name ? "" : h("button", { type: "button", class: "danger", onclick: () => remove(u.name) }, "Delete")))),
    "user-table"));
  }

  const element = h("section", {}, h("h1", {}, "Account"), ownForm,
    isAdmin ? [h("h2", {}, "Dashboard users"), createForm, list] : []);
  return { element, refresh };
}
