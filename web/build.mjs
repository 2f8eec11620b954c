// Builds the dashboard into one flat directory that ferryd serves (web_root): the files of src/
// as they are (plain ES modules, no bundler needed) plus the charting library from node_modules,
// so nothing is fetched from the internet at run time.
//   node build.mjs OUT_DIR
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = process.argv[2];
if (!out) {
  console.error("usage: node build.mjs OUT_DIR");
  process.exit(2);
}
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const src = join(here, "src");
let count = 0;
for (const name of readdirSync(src)) {
  if (statSync(join(src, name)).isFile()) {
    copyFileSync(join(src, name), join(out, name));
    count++;
  }
}
const chart = join(here, "node_modules", "chart.js", "dist", "chart.umd.min.js");
copyFileSync(chart, join(out, "chart.umd.min.js"));
console.log(`dashboard: ${count + 1} files in ${out}`);
