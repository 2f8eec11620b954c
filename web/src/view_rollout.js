// One rollout, live: a progress bar per wave (pending, downloading, installed, confirmed,
// rolled back, failed, timed out), bytes served and their cost, the commands, the timeline.
import { api, get } from "./api.js";
import { bytes, fill, h, legend, stackedBar, stateBadge, table, time, updateStackedBar } from "./ui.js";

export function rolloutView(id) {
  const title = h("h1", { testid: "rollout-title" }, `Rollout ${id}`);
  const state = h("span", { testid: "rollout-state" });
  const summary = h("div", { class: "muted", testid: "rollout-summary" });
  const overall = stackedBar({}, 0, "rollout-progress");
  const overallLegend = h("div");
  const percent = h("strong", { testid: "rollout-percent" }, "0");
  const data = h("span", { testid: "rollout-bytes" });
  const cost = h("span", { testid: "rollout-cost" });
  const waves = h("div", { testid: "rollout-waves" });
  const timeline = h("ul", { class: "timeline", testid: "rollout-timeline" });
  const members = h("div", { testid: "rollout-members" });
  const message = h("p", { class: "muted", testid: "rollout-message" });
  const command = (verb, label, cls) => h("button", { type: "button", class: cls, testid: `rollout-${verb}`,
    onclick: async () => {
      if (verb === "abort" && !confirm("Abort this rollout? Devices downloading are told to stop.")) return;
      try {
        await api("POST", `/api/v1/rollouts/${id}/${verb}`);
        message.textContent = "";
        await refresh();
      } catch (e) {
        message.textContent = e.message;
      }
    } }, label);
  const buttons = { pause: command("pause", "Pause"), resume: command("resume", "Resume", "primary"),
    abort: command("abort", "Abort", "danger") };
  const waveBars = [];

  async function refresh() {
    const [r, audit, devs] = await Promise.all([
      get(`/api/v1/rollouts/${id}`),
      get(`/api/v1/rollouts/${id}/audit?limit=100`),
      get(`/api/v1/rollouts/${id}/devices?limit=200`),
    ]);
    title.textContent = `${r.name} → ${r.release_version}`;
    fill(state, stateBadge(r.state, "rollout-state-badge"), r.pause_reason ? ` (${r.pause_reason.replace("_", " ")})` : "");
    state.dataset.state = r.state;
    const target = [r.target.tags.length ? `tags ${r.target.tags.join(", ")}` : "",
      r.target.versions.length ? `from ${r.target.versions.join(", ")}` : "",
      r.target.devices.length ? `${r.target.devices.length} named devices` : ""].filter(Boolean).join("; ");
    summary.textContent = `${r.hw_id}, ${target || "every device of this hardware"}; next wave at ` +
      `${r.success_percent}% confirmed; pauses at ${r.failure_threshold.count || "–"} failures or ` +
      `${r.failure_threshold.percent || "–"}% failed; device deadline ${r.device_deadline_s} s` +
      (r.max_concurrent_downloads ? `; at most ${r.max_concurrent_downloads} downloading` : "") +
      (r.start_at ? `; starts ${time(r.start_at)}` : "");
    updateStackedBar(overall, r.counts, r.total);
    fill(overallLegend, legend(r.counts));
    percent.textContent = `${r.progress_percent}`;
    data.textContent = bytes(r.bytes_served);
    cost.textContent = r.price_per_mb > 0 ? `${r.cost.toFixed(2)} (at ${r.price_per_mb} per MB)` : "no price set (ferryd price_per_mb)";
    buttons.pause.disabled = !(r.state === "running" || r.state === "scheduled");
    buttons.resume.disabled = r.state !== "paused";
    buttons.abort.disabled = r.state === "aborted";

    if (waveBars.length !== r.waves.length) {
      waveBars.length = 0;
      fill(waves, r.waves.map((w, i) => {
        const head = h("div", { class: "head" });
        const bar = stackedBar({}, 0, `wave-${i}`);
        const leg = h("div");
        waveBars.push({ head, bar, leg });
        return h("div", { class: "wave" }, head, bar, leg);
      }));
    }
    r.waves.forEach((w, i) => {
      const reach = w.reach.percent !== undefined ? `${w.reach.percent}%` : `${w.reach.count} devices`;
      fill(waveBars[i].head, h("strong", {}, `Wave ${i + 1}`), ` reaches ${reach} · ${w.total} devices · `,
        w.open ? "open" : "waiting");
      updateStackedBar(waveBars[i].bar, w.counts, w.total);
      fill(waveBars[i].leg, legend(w.counts));
    });
    fill(timeline, audit.entries.map((e) => h("li", { "data-action": e.action },
      h("span", { class: "at" }, time(e.at)), h("strong", {}, e.action.replace("rollout.", "")),
      ` by ${e.actor}`, e.detail ? ` — ${e.detail}` : "")));
    fill(members, table(["Device", "Wave", "State", "Offered", "Finished", "Reason", "Data"],
      devs.devices.map((m) => h("tr", {},
        h("td", {}, h("a", { href: `#/devices/${m.device}` }, m.device)), h("td", {}, m.wave + 1),
        h("td", {}, stateBadge(m.state)), h("td", {}, time(m.offered_at)), h("td", {}, time(m.finished_at)),
        h("td", {}, m.reason ? m.reason_name.replaceAll("_", " ") : ""), h("td", {}, bytes(m.bytes_served))))));
  }

  const element = h("section", {},
    h("p", {}, h("a", { href: "#/rollouts" }, "← Rollouts")),
    title, h("p", {}, state, " ", summary),
    h("div", { class: "panel" },
      h("div", { class: "head" }, percent, "% confirmed on the new slot · data served ", data, " · cost ", cost),
      overall, overallLegend,
      h("div", { class: "actions needs-operator" }, buttons.pause, buttons.resume, buttons.abort), message),
    h("h2", {}, "Waves"), waves,
    h("div", { class: "grid2" },
      h("div", {}, h("h2", {}, "Timeline"), timeline),
      h("div", {}, h("h2", {}, "Devices"), members)));
  return { element, refresh };
}
