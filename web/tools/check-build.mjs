// Fails when the committed js/ is not what tsc builds from src/ now: run
// `make web` (npm ci, tsc) and commit js/ with the sources.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = mkdtempSync(join(tmpdir(), "parley-web-"));
try {
  execFileSync(join(root, "node_modules", ".bin", "tsc"), ["-p", join(root, "tsconfig.json"), "--outDir", out], { stdio: "inherit" });
  const built = readdirSync(out).sort();
  const committed = readdirSync(join(root, "js")).sort();
  const stale = [...new Set([...built, ...committed])].filter(
    (f) => !built.includes(f) || !committed.includes(f) || !readFileSync(join(out, f)).equals(readFileSync(join(root, "js", f))),
  );
  if (stale.length > 0) {
    console.error(`web/js is not the build of web/src: ${stale.join(", ")} differ. Run make web and commit web/js.`);
    process.exit(1);
  }
  console.log(`web/js matches the build of web/src (${built.join(", ")})`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
