// Small DOM helpers. Text always goes in as text (textContent), never as HTML.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (k === "testid") el.dataset.testid = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function fill(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => c !== undefined && c !== null && c !== false)
    .map((c) => (c instanceof Node ? c : document.createTextNode(String(c)))));
  return el;
}

export function bytes(n) {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} B`;
}

export function time(unix) {
  if (unix === null || unix === undefined) return "never";
  return new Date(unix * 1000).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}

export function ago(unix) {
  if (unix === null || unix === undefined) return "never";
  const s = Math.max(0, Math.round(Date.now() / 1000 - unix));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

export const stateBadge = (s, testid) => h("span", { class: `state ${s}`, testid }, s.replace("_", " "));

// The member states of a rollout, in the order of its bars and legends.
export const MEMBER_STATES = ["confirmed", "installed", "downloading", "rolled_back", "failed",
  "timed_out", "aborted", "pending"];

// A stacked bar of member counts: one segment per state, widths by share.
export function stackedBar(counts, total, testid) {
  const bar = h("div", { class: "bar", testid, role: "progressbar" });
  updateStackedBar(bar, counts, total);
  return bar;
}

export function updateStackedBar(bar, counts, total) {
  const segs = MEMBER_STATES.map((s) => {
    const n = counts[s] || 0;
    const w = total > 0 ? (100 * n) / total : 0;
    return h("span", { class: s, title: `${s.replace("_", " ")}: ${n}`, style: `width:${w}%` });
  });
  fill(bar, segs);
  const confirmed = counts.confirmed || 0;
  bar.setAttribute("aria-valuenow", total > 0 ? Math.round((100 * confirmed) / total) : 0);
  bar.dataset.confirmed = confirmed;
  bar.dataset.total = total;
}

export function legend(counts) {
  return h("div", { class: "legend" }, MEMBER_STATES.map((s) =>
    h("span", { "data-state": s }, h("i", { style: `background:var(--${s})` }),
      `${s.replace("_", " ")} ${counts[s] || 0}`)));
}

export function table(headers, rows, testid) {
  return h("table", { testid },
    h("thead", {}, h("tr", {}, headers.map((x) => h("th", {}, x)))),
    h("tbody", {}, rows));
}

export function notice(message) {
  const el = document.getElementById("notice");
  if (!message) { el.hidden = true; return; }
  el.textContent = message;
  el.hidden = false;
}
