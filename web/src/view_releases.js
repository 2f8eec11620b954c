// Releases: upload by drag and drop (or the file picker) with a progress bar, and the list with
// the signing key and both slot images of each release.
import { get, uploadRelease } from "./api.js";
import { bytes, fill, h, table, time } from "./ui.js";

export function releasesView() {
  const progress = h("progress", { max: 100, value: 0, hidden: true, testid: "upload-progress" });
  const status = h("p", { class: "muted", testid: "upload-status" });
  const picker = h("input", { type: "file", accept: ".fbundle,application/octet-stream", testid: "upload-input",
    onchange: () => picker.files[0] && send(picker.files[0]) });
  const drop = h("div", { class: "drop needs-operator", testid: "upload-drop" },
    h("p", {}, "Drop a signed release bundle (ferryctl sign) here, or "), picker);
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    if (e.dataTransfer.files[0]) send(e.dataTransfer.files[0]);
  });
  const list = h("div", { testid: "releases" });

  async function send(file) {
    progress.hidden = false;
    progress.value = 0;
    status.textContent = `Uploading ${file.name} (${bytes(file.size)})…`;
    try {
      const r = await uploadRelease(file, (sent, total) => { progress.value = Math.round((100 * sent) / total); });
      progress.value = 100;
      status.textContent = `Release ${r.version} stored as id ${r.id} for ${r.hw_id}, signed by ${r.key_name}.`;
      await refresh();
    } catch (e) {
      status.textContent = `Refused: ${e.message}`;
    }
  }

  async function refresh() {
    const { releases } = await get("/api/v1/releases");
    fill(list, releases.length === 0 ? h("p", { class: "muted" }, "No releases yet.") :
      table(["ID", "Version", "Hardware", "Security counter", "Signed by", "Slot images", "Served", "Uploaded"],
        releases.map((r) => h("tr", { "data-version": r.version },
          h("td", {}, r.id), h("td", {}, h("strong", {}, r.version)), h("td", {}, r.hw_id),
          h("td", {}, r.security_counter),
          h("td", {}, r.key_name, h("div", { class: "mono muted" }, r.key_id)),
          h("td", {}, r.images.map((img) => h("div", { class: "mono" },
            `${img.slot === 0 ? "A" : "B"} @ ${img.load_addr}, ${bytes(img.size)}, sha256 ${img.sha256.slice(0, 16)}…`))),
          h("td", {}, bytes(r.bytes_served)),
          h("td", {}, time(r.created_at), h("div", { class: "muted" }, r.created_by)))), "release-table"));
  }

  const element = h("section", {}, h("h1", {}, "Releases"), drop, progress, status, h("h2", {}, "All releases"), list);
  return { element, refresh };
}
