// Devices: search by id, filter by version, tag, update state and last seen.
import { get } from "./api.js";
import { ago, bytes, fill, h, stateBadge, table } from "./ui.js";

const STATES = ["", "new", "idle", "offered", "downloading", "verified", "pending_reboot", "trial", "updated",
  "rolled_back", "failed", "aborted"];
const SEEN = [["", "any time"], ["seen_within=3600", "seen in the last hour"], ["seen_within=86400", "seen in the last day"],
  ["unseen_for=86400", "not seen for a day"], ["unseen_for=604800", "not seen for a week"]];

export function devicesView() {
  const q = h("input", { type: "search", placeholder: "device id contains…", testid: "devices-q" });
  const version = h("select", { testid: "devices-version" }, h("option", { value: "" }, "any version"));
  const tag = h("input", { placeholder: "tag", testid: "devices-tag" });
  const state = h("select", { testid: "devices-state" }, STATES.map((s) => h("option", { value: s }, s || "any state")));
  const seen = h("select", { testid: "devices-seen" }, SEEN.map(([v, l]) => h("option", { value: v }, l)));
  const count = h("p", { class: "muted", testid: "devices-count" });
  const rows = h("div", { testid: "devices" });
  let versionsShown = "";
  for (const el of [q, tag]) el.addEventListener("input", () => refresh());
  for (const el of [version, state, seen]) el.addEventListener("change", () => refresh());

  async function refresh() {
    const params = [];
    if (q.value) params.push(`q=${encodeURIComponent(q.value)}`);
    if (version.value) params.push(`version=${encodeURIComponent(version.value)}`);
    if (tag.value) params.push(`tag=${encodeURIComponent(tag.value)}`);
    if (state.value) params.push(`state=${state.value}`);
    if (seen.value) params.push(seen.value);
    params.push("limit=500");
    const [list, fleet] = await Promise.all([get(`/api/v1/devices?${params.join("&")}`), get("/api/v1/fleet")]);
    const versions = fleet.versions.map((v) => v.version).filter((v) => v !== "unknown").sort();
    if (versions.join() !== versionsShown) {
      const chosen = version.value;
      fill(version, h("option", { value: "" }, "any version"), versions.map((v) => h("option", { value: v }, v)));
      version.value = chosen;
      versionsShown = versions.join();
    }
    count.textContent = `${list.devices.length} shown of ${list.total} registered`;
    fill(rows, table(["Device", "Hardware", "Version", "Slot", "State", "Last seen", "Data used", "Tags"],
      list.devices.map((d) => h("tr", { "data-device": d.id },
        h("td", {}, h("a", { href: `#/devices/${d.id}` }, d.id)), h("td", {}, d.hw_id),
        h("td", {}, d.version || "–"), h("td", {}, d.slot === 0 ? "A" : "B"), h("td", {}, stateBadge(d.state)),
        h("td", {}, ago(d.last_seen)), h("td", {}, bytes(d.bytes_served)), h("td", {}, d.tags.join(", ")))),
      "device-table"));
  }

  const element = h("section", {}, h("h1", {}, "Devices"),
    h("form", { class: "inline", onsubmit: (e) => e.preventDefault() },
      h("label", {}, "Search", q), h("label", {}, "Version", version), h("label", {}, "Tag", tag),
      h("label", {}, "State", state), h("label", {}, "Last seen", seen)),
    count, rows);
  return { element, refresh };
}
