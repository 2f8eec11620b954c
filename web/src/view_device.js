// One device: what it runs and from which slot, its update state, data used, and its events.
import { get } from "./api.js";
import { ago, bytes, fill, h, stateBadge, table, time } from "./ui.js";

export function deviceView(id) {
  const facts = h("dl", { class: "kv", testid: "device-facts" });
  const events = h("div", { testid: "device-events" });

  async function refresh() {
    const [d, ev] = await Promise.all([get(`/api/v1/devices/${id}`), get(`/api/v1/devices/${id}/events?limit=200`)]);
    const row = (k, ...v) => [h("dt", {}, k), h("dd", {}, ...v)];
    fill(facts,
      row("Hardware", d.hw_id),
      row("Running", h("strong", { testid: "device-version" }, d.version || "–"), ` from slot ${d.slot === 0 ? "A" : "B"}`),
      row("Update state", stateBadge(d.state, "device-state"),
        d.last_reason ? ` — last reason: ${d.last_reason_name.replaceAll("_", " ")}` : ""),
      row("Target", d.target_release_id ? `release ${d.target_release_id} → slot ${d.target_slot === 0 ? "A" : "B"}` : "–"),
      row("Pinned", d.pinned_release_id ? `release ${d.pinned_release_id}` : "no"),
      row("Last seen", `${ago(d.last_seen)} (${time(d.last_seen)})`),
      row("Data used", h("span", { testid: "device-bytes" }, bytes(d.bytes_served))),
      row("Tags", d.tags.join(", ") || "–"),
      row("Registered", time(d.created_at)));
    fill(events, table(["At", "Event", "Release", "Running", "Slot", "Progress", "Reason", "Detail"],
      ev.events.map((e) => h("tr", { "data-kind": e.kind },
        h("td", {}, time(e.at)), h("td", {}, h("strong", {}, e.kind.replace("_", " "))),
        h("td", {}, e.release_id ?? ""), h("td", {}, e.version), h("td", {}, e.slot === null ? "" : (e.slot === 0 ? "A" : "B")),
        h("td", {}, e.progress === null ? "" : bytes(e.progress)),
        h("td", {}, e.reason ? e.reason_name.replaceAll("_", " ") : ""), h("td", {}, e.detail))), "event-table"));
  }

  const element = h("section", {}, h("p", {}, h("a", { href: "#/devices" }, "← Devices")),
    h("h1", {}, id), facts, h("h2", {}, "Event timeline"), events);
  return { element, refresh };
}
