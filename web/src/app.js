// The dashboard shell: log-in, hash routes, and the live refresh. Each view mounts once and then
// refreshes its data in place every LIVE_MS while it is shown (no reloads; input state is kept).
import { currentSession, logOut, whenLoggedOut } from "./api.js";
import { fill, notice } from "./ui.js";
import { loginView } from "./view_login.js";
import { overviewView } from "./view_overview.js";
import { releasesView } from "./view_releases.js";
import { rolloutsView } from "./view_rollouts.js";
import { rolloutView } from "./view_rollout.js";
import { devicesView } from "./view_devices.js";
import { deviceView } from "./view_device.js";
import { usersView } from "./view_users.js";

const LIVE_MS = 2000;
const main = document.getElementById("view");
let current = null;  // { refresh(), destroy() } of the mounted view
let timer = null;
let session = null;

const routes = [
  [/^\/?$/, "overview", () => overviewView()],
  [/^\/releases$/, "releases", () => releasesView()],
  [/^\/rollouts$/, "rollouts", () => rolloutsView()],
  [/^\/rollouts\/(\d+)$/, "rollouts", (m) => rolloutView(Number(m[1]))],
  [/^\/devices$/, "devices", () => devicesView()],
  [/^\/devices\/([A-Za-z0-9._-]+)$/, "devices", (m) => deviceView(m[1])],
  [/^\/account$/, "account", () => usersView(session)],
];

function stopLive() {
  clearInterval(timer);
  timer = null;
  current?.destroy?.();
  current = null;
}

async function tick() {
  if (!current || document.hidden) return;
  try {
    await current.refresh();
    document.getElementById("live").textContent = `live · updated ${new Date().toLocaleTimeString()}`;
    notice("");
  } catch (e) {
    if (e.status !== 401) notice(`Could not refresh: ${e.message}`);
  }
}

async function show() {
  stopLive();
  if (!session) {
    document.getElementById("top").hidden = true;
    fill(main, loginView(async (s) => { session = s; await show(); }));
    return;
  }
  document.getElementById("top").hidden = false;
  document.getElementById("who").textContent = `${session.user.name} (${session.user.role})`;
  // Commands the role cannot use are hidden (the server refuses them anyway).
  document.body.dataset.role = session.user.role;
  const path = location.hash.replace(/^#/, "") || "/";
  for (const [re, nav, make] of routes) {
    const m = path.match(re);
    if (!m) continue;
    for (const a of document.querySelectorAll("[data-nav]")) a.classList.toggle("active", a.dataset.nav === nav);
    current = make(m);
    fill(main, current.element);
    await tick();
    timer = setInterval(tick, LIVE_MS);
    return;
  }
  fill(main, "No such page.");
}

whenLoggedOut(() => { if (session) { session = null; show(); } });
window.addEventListener("hashchange", show);
document.getElementById("logout").addEventListener("click", async () => {
  await logOut();
  session = null;
  location.hash = "#/";
  show();
});

session = await currentSession();
show();
