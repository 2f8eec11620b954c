// Rollouts: the list with live progress, and the form that starts a staged rollout.
import { api, get } from "./api.js";
import { fill, h, stackedBar, stateBadge, table, time } from "./ui.js";

const list = (text) => text.split(",").map((s) => s.trim()).filter(Boolean);

// "1%, 10%, 100%" or "5, 50%": percents of the target or device counts, cumulative.
function parseWaves(text) {
  return list(text).map((w) => {
    if (w.endsWith("%")) return { percent: Number(w.slice(0, -1)) };
    return { count: Number(w) };
  });
}

function createForm(onCreated) {
  const release = h("select", { name: "release", required: true, testid: "rollout-release" });
  const field = (name, attrs = {}) => h("input", { name, testid: `rollout-${name}`, ...attrs });
  const inputs = {
    name: field("name", { placeholder: "optional" }),
    tags: field("tags", { placeholder: "field, pilot" }),
    versions: field("versions", { placeholder: "any" }),
    waves: field("waves", { value: "10%, 50%, 100%" }),
    success: field("success", { type: "number", min: 1, max: 100, value: 95 }),
    maxFailures: field("max-failures", { type: "number", min: 0, value: 0 }),
    maxFailurePercent: field("max-failure-percent", { type: "number", min: 0, max: 100, value: 10 }),
    deadline: field("deadline", { type: "number", min: 60, value: 86400 }),
    maxDownloads: field("max-downloads", { type: "number", min: 0, value: 0 }),
    startAt: field("start-at", { type: "datetime-local" }),
  };
  const error = h("p", { class: "muted", testid: "rollout-error" });
  const form = h("form", { class: "inline panel needs-operator", testid: "rollout-form",
    onsubmit: async (e) => {
      e.preventDefault();
      error.textContent = "";
      const body = {
        release_id: Number(release.value),
        waves: parseWaves(inputs.waves.value),
        success_percent: Number(inputs.success.value),
        failure_threshold: { count: Number(inputs.maxFailures.value), percent: Number(inputs.maxFailurePercent.value) },
        device_deadline_s: Number(inputs.deadline.value),
        max_concurrent_downloads: Number(inputs.maxDownloads.value),
      };
      if (inputs.name.value) body.name = inputs.name.value;
      const target = {};
      if (list(inputs.tags.value).length) target.tags = list(inputs.tags.value);
      if (list(inputs.versions.value).length) target.versions = list(inputs.versions.value);
      if (Object.keys(target).length) body.target = target;
      if (inputs.startAt.value) body.start_at = Math.round(new Date(inputs.startAt.value).getTime() / 1000);
      try {
        const r = await api("POST", "/api/v1/rollouts", body);
        onCreated(r);
      } catch (err) {
        error.textContent = `Refused: ${err.message}`;
      }
    } },
  h("label", {}, "Release", release),
  h("label", {}, "Name", inputs.name),
  h("label", {}, "Tags (any of)", inputs.tags),
  h("label", {}, "From versions", inputs.versions),
  h("label", {}, "Waves (cumulative)", inputs.waves),
  h("label", {}, "Next wave at % confirmed", inputs.success),
  h("label", {}, "Pause at failures", inputs.maxFailures),
  h("label", {}, "or at % failed", inputs.maxFailurePercent),
  h("label", {}, "Device deadline (s)", inputs.deadline),
  h("label", {}, "Max downloads at once", inputs.maxDownloads),
  h("label", {}, "Start at", inputs.startAt),
  h("button", { class: "primary", type: "submit", testid: "rollout-create" }, "Start rollout"),
  error);
  return { form, release };
}

export function rolloutsView() {
  const { form, release } = createForm((r) => { location.hash = `#/rollouts/${r.id}`; });
  const rows = h("div", { testid: "rollouts" });
  let releasesShown = "";

  async function refresh() {
    const [{ rollouts }, { releases }] = await Promise.all([get("/api/v1/rollouts"), get("/api/v1/releases")]);
    const key = releases.map((r) => r.id).join(",");
    if (key !== releasesShown) {  // keep the operator's choice while the list stays the same
      const chosen = release.value;
      fill(release, releases.map((r) => h("option", { value: r.id }, `${r.version} (${r.hw_id}, id ${r.id})`)));
      if (chosen) release.value = chosen;
      releasesShown = key;
    }
    fill(rows, rollouts.length === 0 ? h("p", { class: "muted" }, "No rollouts yet.") :
      table(["ID", "Name", "Release", "State", "Wave", "Progress", "Created"],
        rollouts.map((r) => h("tr", {},
          h("td", {}, r.id),
          h("td", {}, h("a", { href: `#/rollouts/${r.id}` }, r.name)),
          h("td", {}, r.release_version),
          h("td", {}, stateBadge(r.state)),
          h("td", {}, `${r.current_wave + 1} / ${r.waves.length}`),
          h("td", {}, stackedBar(r.counts, r.total), h("div", { class: "muted" }, `${r.progress_percent}% of ${r.total} confirmed`)),
          h("td", {}, time(r.created_at), h("div", { class: "muted" }, r.created_by)))), "rollout-table"));
  }

  const element = h("section", {}, h("h1", {}, "Rollouts"), h("h2", {}, "New staged rollout"), form,
    h("h2", {}, "All rollouts"), rows);
  return { element, refresh };
}
