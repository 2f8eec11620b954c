// The dashboard in a real browser (Debian's Chromium, driven by playwright-core) against a real
// ferryd with simulated devices, started by test_dashboard.cpp, which passes:
//   --url URL --user NAME --password PW --good BUNDLE --bad BUNDLE --devices N --out DIR
// Logs in, uploads a release by drag and drop, starts a staged rollout, pauses and resumes it,
// watches it reach 100 % without reloading, then uploads a bad release through the file picker
// and watches the rollback appear and the rollout pause by itself. Screenshots go to --out.
import { readFileSync, mkdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const { chromium } = await import(pathToFileURL(join(here, "../../web/node_modules/playwright-core/index.mjs")));

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, "")] = process.argv[i + 1];
for (const k of ["url", "user", "password", "good", "bad", "devices", "out"]) {
  if (!args[k]) throw new Error(`missing --${k}`);
}
const devices = Number(args.devices);
mkdirSync(args.out, { recursive: true });

const step = (text) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${text}`);
function check(cond, text) {
  if (!cond) throw new Error(`check failed: ${text}`);
  step(`ok: ${text}`);
}

const browser = await chromium.launch({
  executablePath: process.env.FERRY_CHROMIUM || "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
page.setDefaultTimeout(30000);
const consoleErrors = [];
// Script errors only: the browser also logs every 4xx answer (the 401 of the session probe
// before log-in, the refused password), which are expected here.
page.on("console", (m) => {
  if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) consoleErrors.push(m.text());
});
page.on("pageerror", (e) => consoleErrors.push(String(e)));
const shot = async (name) => {
  await page.screenshot({ path: join(args.out, `${name}.png`), fullPage: true });
  step(`screenshot ${name}.png`);
};
const byId = (id) => page.getByTestId(id);
const text = async (id) => (await byId(id).textContent()).trim();
// Picks the release whose option starts with the version (once the list holds it).
async function chooseRelease(version) {
  const handle = await page.waitForFunction((v) =>
    [...document.querySelectorAll("[data-testid=rollout-release] option")].find((o) => o.textContent.startsWith(`${v} `))?.value, version);
  await byId("rollout-release").selectOption(await handle.jsonValue());
}

try {
  // --- log in ---------------------------------------------------------------------------
  await page.goto(args.url);
  await byId("login-form").waitFor();
  await shot("01-login");
  await byId("login-name").fill(args.user);
  await byId("login-password").fill("not the password");
  await byId("login-submit").click();
  await page.waitForFunction(() => document.querySelector("[data-testid=login-error]")?.textContent !== "");
  check((await text("login-error")).includes("wrong password"), "a wrong password is refused");
  await byId("login-password").fill(args.password);
  await byId("login-submit").click();
  await byId("fleet-devices").waitFor();
  await page.waitForFunction((n) => document.querySelector("[data-testid=fleet-devices]")?.textContent === String(n), devices);
  check(true, `the overview counts ${devices} devices`);
  // Everything from here on happens in this one document: no reload, no navigation.
  await page.evaluate(() => { window.__sameDocument = true; });
  const cookies = await page.context().cookies();
  const session = cookies.find((c) => c.name === "ferry_session");
  check(session && session.httpOnly && session.sameSite === "Strict", "the session cookie is HttpOnly and SameSite=Strict");
  check(await page.evaluate(() => !document.cookie.includes("ferry_session")), "scripts cannot read the session cookie");
  await shot("02-overview");

  // --- upload a release by drag and drop --------------------------------------------------
  await page.click("a[data-nav=releases]");
  await byId("upload-drop").waitFor();
  const good = readFileSync(args.good);
  await page.evaluate(({ b64, name }) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], name, { type: "application/octet-stream" }));
    const zone = document.querySelector("[data-testid=upload-drop]");
    zone.dispatchEvent(new DragEvent("dragover", { dataTransfer: dt, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, { b64: good.toString("base64"), name: basename(args.good) });
  await page.waitForFunction(() => document.querySelector("[data-testid=upload-status]")?.textContent.includes("stored as id"));
  check((await byId("upload-progress").getAttribute("value")) === "100", "the upload progress bar reached 100 %");
  await page.locator("tr[data-version='2.0.0']").waitFor();
  const row = await page.locator("tr[data-version='2.0.0']").textContent();
  check(row.includes("A @ 0x08010000") && row.includes("B @ 0x08040000") && row.includes("release"),
    "the release shows its signing key and both slot images");
  await shot("03-release-uploaded");

  // --- a staged rollout: pause, resume, 100 % ---------------------------------------------
  await page.click("a[data-nav=rollouts]");
  await byId("rollout-form").waitFor();
  await chooseRelease("2.0.0");
  await byId("rollout-name").fill("field to 2.0");
  await byId("rollout-waves").fill("25%, 100%");
  await byId("rollout-success").fill("100");
  await byId("rollout-create").click();
  await byId("rollout-progress").waitFor();
  check(page.url().includes("#/rollouts/"), "creating the rollout opens its page");
  await page.waitForFunction(() => document.querySelectorAll("[data-testid=rollout-waves] .wave").length === 2);
  check(true, "the rollout page shows two waves");
  await byId("rollout-pause").click();
  await page.waitForFunction(() => document.querySelector("[data-testid=rollout-state]")?.dataset?.state === "paused");
  await page.locator("[data-testid=rollout-timeline] li[data-action='rollout.paused']").waitFor();
  check((await page.locator("[data-testid=rollout-timeline] li[data-action='rollout.paused']").textContent()).includes("user:admin"),
    "the pause is in the timeline with who did it");
  check(await byId("rollout-resume").isEnabled() && !(await byId("rollout-pause").isEnabled()), "paused: resume enabled, pause disabled");
  await shot("04-rollout-paused");
  await byId("rollout-resume").click();
  await page.waitForFunction(() => document.querySelector("[data-testid=rollout-state]")?.dataset?.state === "running");
  check(true, "resumed");
  // Watch some progress arrive (a screenshot mid-way), then 100 %.
  await page.waitForFunction(() => Number(document.querySelector("[data-testid=rollout-progress]")?.dataset?.confirmed) >= 1,
    null, { timeout: 120000 });
  await shot("05-rollout-progress");
  await page.waitForFunction(() => document.querySelector("[data-testid=rollout-percent]")?.textContent === "100",
    null, { timeout: 240000 });
  await page.waitForFunction(() => document.querySelector("[data-testid=rollout-state]")?.dataset?.state === "completed");
  check(true, "the rollout reached 100 % confirmed and completed, seen live");
  check((await byId("wave-1").getAttribute("data-confirmed")) === String(devices - Math.ceil(devices / 4)),
    "the second wave's bar counts its devices confirmed");
  check(!(await text("rollout-bytes")).startsWith("0 B"), "bytes served are shown");
  check((await text("rollout-cost")).includes("per MB"), "their cost at the configured price is shown");
  for (const a of ["rollout.created", "rollout.started", "rollout.paused", "rollout.resumed", "rollout.wave_opened", "rollout.completed"]) {
    check(await page.locator(`[data-testid=rollout-timeline] li[data-action='${a}']`).count() === 1, `timeline has ${a}`);
  }
  await shot("06-rollout-complete");

  // --- a bad release: the rollback appears and the rollout pauses by itself ---------------
  await page.click("a[data-nav=releases]");
  await byId("upload-input").setInputFiles(args.bad);
  await page.waitForFunction(() => document.querySelector("[data-testid=upload-status]")?.textContent.includes("3.0.0"));
  check(true, "the bad release uploaded through the file picker");
  await page.click("a[data-nav=rollouts]");
  await byId("rollout-form").waitFor();
  await chooseRelease("3.0.0");
  await byId("rollout-name").fill("3.0 canary");
  await byId("rollout-waves").fill("2, 100%");
  await byId("rollout-max-failures").fill("1");
  await byId("rollout-create").click();
  await byId("rollout-progress").waitFor();
  await page.waitForFunction(() => {
    const s = document.querySelector("[data-testid=rollout-state]");
    return s?.dataset.state === "paused" && s.textContent.includes("failure threshold");
  }, null, { timeout: 240000 });
  const paused = await page.locator("[data-testid=rollout-timeline] li[data-action='rollout.paused']").textContent();
  check(paused.includes("engine") && paused.includes("failure"), "the engine paused the rollout on the failure threshold");
  const rolledBack = await page.locator("[data-testid=rollout-progress]").locator("span.rolled_back").getAttribute("title");
  check(Number(rolledBack.split(": ")[1]) >= 1, "a rollback shows in the progress bar");
  check((await byId("wave-1").getAttribute("data-confirmed")) === "0", "the last wave never opened");
  await shot("07-bad-release-paused");

  // --- the device that rolled back, and the fleet overview --------------------------------
  const failed = page.locator("[data-testid=rollout-members] tr", { hasText: "rolled back" }).first();
  await failed.locator("a").click();
  await page.locator("[data-testid=event-table] tr[data-kind=rolled_back]").first().waitFor();
  check((await text("device-version")) === "2.0.0", "the device runs 2.0.0 again after its rollback");
  check((await text("device-state")).includes("rolled back"), "its update state says rolled back");
  await shot("08-device-rolled-back");
  await page.click("a[data-nav=devices]");
  await byId("device-table").waitFor();
  await byId("devices-state").selectOption("rolled_back");
  await page.waitForFunction(() => document.querySelector("[data-testid=devices-count]")?.textContent.startsWith("1 shown")
    || document.querySelector("[data-testid=devices-count]")?.textContent.startsWith("2 shown"));
  check(true, "the device list filters by state");
  await shot("09-devices-filtered");
  await page.click("a[data-nav=overview]");
  await page.waitForFunction(() => Number(document.querySelector("[data-testid=fleet-failing]")?.textContent) >= 1);
  const labels = await page.evaluate(() => Chart.getChart(document.querySelector("[data-testid=chart-versions]")).data.labels);
  check(labels.includes("2.0.0"), "the version chart shows 2.0.0");
  const reasons = await page.evaluate(() => Chart.getChart(document.querySelector("[data-testid=chart-failures]")).data.labels);
  check(reasons.length >= 1, `the failures chart shows reasons (${reasons.join(", ")})`);
  await shot("10-overview-after");

  // --- accounts: the admin makes a viewer, who sees everything and can change nothing ------
  await byId("who").click();
  await byId("user-form").waitFor();
  await byId("user-name").fill("watcher");
  await byId("user-role").selectOption("viewer");
  await byId("user-password").fill("watching all day");
  await byId("user-create").click();
  await page.locator("tr[data-user=watcher]").waitFor();
  check(true, "the admin created a viewer in the dashboard");
  await page.click("#logout");
  await byId("login-form").waitFor();
  await byId("login-name").fill("watcher");
  await byId("login-password").fill("watching all day");
  await byId("login-submit").click();
  await byId("fleet-devices").waitFor();
  await page.click("a[data-nav=rollouts]");
  await byId("rollout-table").waitFor();
  check(!(await byId("rollout-form").isVisible()), "a viewer sees no rollout form");
  await page.locator("[data-testid=rollout-table] a").first().click();
  await byId("rollout-progress").waitFor();
  check(!(await byId("rollout-pause").isVisible()), "a viewer sees no pause/resume/abort");
  const refused = await page.evaluate(async () => {
    const { csrf_token } = await (await fetch("/api/v1/session")).json();
    const r = await fetch("/api/v1/rollouts/1/abort", { method: "POST", headers: { "X-CSRF-Token": csrf_token } });
    return `${r.status} ${(await r.json()).error.code}`;
  });
  check(refused === "403 forbidden", "and the server refuses a viewer's command anyway (403 forbidden)");
  await shot("11-viewer");
  check(await page.evaluate(() => window.__sameDocument === true), "the whole run happened without a page reload");
  check(consoleErrors.length === 0, `no script errors in the page (${consoleErrors.join(" | ")})`);
  step("PASS");
} catch (e) {
  await shot("failure").catch(() => {});
  console.error(e.stack || String(e));
  process.exitCode = 1;
} finally {
  await browser.close();
}
