// The fleet at a glance: counts, who was seen within the poll interval, which versions run
// (chart), why devices failed (chart), and the rollouts under way.
import { get } from "./api.js";
import { fill, h, stackedBar, stateBadge } from "./ui.js";

const PALETTE = ["#1f6feb", "#2da44e", "#8250df", "#bf8700", "#cf222e", "#0a7ea4", "#57606a", "#e16f24"];

export function overviewView() {
  const cards = {
    devices: h("div", { class: "n", testid: "fleet-devices" }, "–"),
    seen: h("div", { class: "n", testid: "fleet-seen" }, "–"),
    never: h("div", { class: "n", testid: "fleet-never" }, "–"),
    failing: h("div", { class: "n", testid: "fleet-failing" }, "–"),
  };
  const seenNote = h("div", { class: "muted" });
  const versionCanvas = h("canvas", { testid: "chart-versions" });
  const failureCanvas = h("canvas", { testid: "chart-failures" });
  const rollouts = h("div", { testid: "overview-rollouts" });
  const element = h("section", {},
    h("h1", {}, "Fleet"),
    h("div", { class: "cards" },
      h("div", { class: "card" }, h("div", { class: "muted" }, "Devices"), cards.devices),
      h("div", { class: "card" }, h("div", { class: "muted" }, "Seen within their poll interval"), cards.seen, seenNote),
      h("div", { class: "card" }, h("div", { class: "muted" }, "Never seen"), cards.never),
      h("div", { class: "card" }, h("div", { class: "muted" }, "Failed or rolled back"), cards.failing)),
    h("div", { class: "grid2" },
      h("div", { class: "panel" }, h("h2", {}, "Versions running"), h("div", { class: "chartbox" }, versionCanvas)),
      h("div", { class: "panel" }, h("h2", {}, "Failures by reason"), h("div", { class: "chartbox" }, failureCanvas))),
    h("h2", {}, "Rollouts under way"), rollouts);

  const versionChart = new Chart(versionCanvas, {
    type: "doughnut",
    data: { labels: [], datasets: [{ data: [], backgroundColor: PALETTE }] },
    options: { animation: false, maintainAspectRatio: false, plugins: { legend: { position: "right" } } },
  });
  const failureChart = new Chart(failureCanvas, {
    type: "bar",
    data: { labels: [], datasets: [{ label: "devices", data: [], backgroundColor: "#cf222e" }] },
    options: { animation: false, maintainAspectRatio: false, indexAxis: "y",
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { display: false } } },
  });

  async function refresh() {
    const [fleet, list] = await Promise.all([get("/api/v1/fleet"), get("/api/v1/rollouts")]);
    cards.devices.textContent = fleet.devices;
    cards.seen.textContent = fleet.seen_recently;
    seenNote.textContent = `within ${Math.round(fleet.seen_window_s / 60)} min`;
    cards.never.textContent = fleet.never_seen;
    cards.failing.textContent = fleet.failures.reduce((n, f) => n + f.devices, 0);
    versionChart.data.labels = fleet.versions.map((v) => v.version);
    versionChart.data.datasets[0].data = fleet.versions.map((v) => v.devices);
    versionChart.update("none");
    failureChart.data.labels = fleet.failures.map((f) => f.reason_name.replaceAll("_", " "));
    failureChart.data.datasets[0].data = fleet.failures.map((f) => f.devices);
    failureChart.update("none");
    const live = list.rollouts.filter((r) => r.state !== "aborted" && r.state !== "completed");
    fill(rollouts, live.length === 0 ? h("p", { class: "muted" }, "No rollout under way.") :
      live.map((r) => h("div", { class: "wave" },
        h("div", { class: "head" },
          h("a", { href: `#/rollouts/${r.id}` }, `${r.name} → ${r.release_version}`),
          h("span", {}, stateBadge(r.state), ` ${r.progress_percent}% confirmed of ${r.total}`)),
        stackedBar(r.counts, r.total))));
  }

  return { element, refresh, destroy() { versionChart.destroy(); failureChart.destroy(); } };
}

