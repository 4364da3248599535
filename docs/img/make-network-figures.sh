#!/usr/bin/env bash
# Reruns the variants of scenarios/fabric-planning.yaml whose figures docs/network.md quotes in
# prose and small tables (ECMP hashing and adaptive routing on leaves of 4 and 8 spines; a spine,
# core plane or leaf failure on a 2:1 fat tree: core:dc:0 is the one core, or one plane of four) and prints ECR, JCT and makespan per variant, so that a
# change to the step-time or network model can refresh them. The two fabric sweeps with plots are
# make-fabric-planning.sh's. Run from the repository root after `npm run build`.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
ls='kind: leaf-spine, nodes_per_leaf: 4'
ft='kind: fat-tree, nodes_per_leaf: 4, leaves_per_pod: 4, leaf_oversubscription: 2, pod_oversubscription: 2'
metrics=effective_compute_ratio_allocated,jct_mean_s,makespan_s
node dist/cli/main.js sweep scenarios/fabric-planning.yaml --quiet --out "$out/ecmp" --metrics "$metrics" \
  --placements topology-aware,random-fit \
  --set "datacentres[0].topology={$ls, oversubscription: 1},{$ls, oversubscription: 1, ecmp: {mode: hash, paths: 8}},{$ls, oversubscription: 1, ecmp: {mode: adaptive, paths: 8}},{$ls, oversubscription: 4, ecmp: {mode: hash, paths: 8}},{$ls, oversubscription: 4, ecmp: {mode: adaptive, paths: 8}},{kind: rail-optimized, nodes_per_group: 32, oversubscription: 4, ecmp: {mode: hash, paths: 8}}"
node dist/cli/main.js sweep scenarios/fabric-planning.yaml --quiet --out "$out/failures" --metrics "$metrics" \
  --set "datacentres[0].topology={$ft},{$ft, ecmp: {mode: split, paths: 4}},{$ft, ecmp: {mode: hash, paths: 4}}" \
  --set 'failures={fabric: {events: []}},{fabric: {events: [{at: 2h, switch: "core:dc:0", repair: 4h}]}},{fabric: {events: [{at: 2h, switch: "leaf:dc:5", repair: 4h}]}}'
# One line per run: the swept values, then ECR (allocated), mean JCT and makespan in hours.
node -e '
const fs = require("fs");
const split = (line) => { const cells = []; let cur = "", q = false; for (let i = 0; i < line.length; i++) { const ch = line[i]; if (q) { if (ch === "\"" && line[i + 1] === "\"") { cur += "\""; i++; } else if (ch === "\"") q = false; else cur += ch; } else if (ch === "\"") q = true; else if (ch === ",") { cells.push(cur); cur = ""; } else cur += ch; } cells.push(cur); return cells; };
for (const file of process.argv.slice(1)) {
  const [head, ...rows] = fs.readFileSync(file, "utf8").trim().split("\n").map(split);
  const at = (n) => head.indexOf(n);
  const swept = head.slice(1, at("scenario"));
  console.log(`\n${file.split("/").slice(-2, -1)[0]}:`);
  for (const r of rows) {
    const label = [...swept.map((c) => r[at(c)]), r[at("placement")]].join(" | ");
    console.log(`  ${label} | ECR ${(100 * r[at("effective_compute_ratio_allocated")]).toFixed(1)}% | JCT ${(r[at("jct_mean_s")] / 3600).toFixed(2)} h | makespan ${(r[at("makespan_s")] / 3600).toFixed(2)} h`);
  }
}' "$out/ecmp/runs.csv" "$out/failures/runs.csv"
