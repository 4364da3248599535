#!/usr/bin/env bash
# Regenerates docs/img/fabric-planning.svg and .csv (docs/network.md): scenarios/fabric-planning.yaml
# on nine fabrics under topology-aware and leaf-blind placement, effective compute ratio against
# what each fabric costs. Run from the repository root after `npm run build`.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
node dist/cli/main.js sweep scenarios/fabric-planning.yaml --placements topology-aware,random-fit \
  --metrics effective_compute_ratio_allocated,jct_mean_s,jct_p95_s,makespan_s,fabric_capex,fabric_kw \
  --plot --plot-against fabric_capex --quiet --out "$out" \
  --set 'datacentres[0].topology={kind: leaf-spine, nodes_per_leaf: 4, oversubscription: 1},{kind: leaf-spine, nodes_per_leaf: 4, oversubscription: 4},{kind: fat-tree, nodes_per_leaf: 4, leaves_per_pod: 4, leaf_oversubscription: 1, pod_oversubscription: 1},{kind: fat-tree, nodes_per_leaf: 4, leaves_per_pod: 4, leaf_oversubscription: 2, pod_oversubscription: 2},{kind: fat-tree, nodes_per_leaf: 4, leaves_per_pod: 4, leaf_oversubscription: 4, pod_oversubscription: 4},{kind: rail-optimized, nodes_per_group: 32, oversubscription: 1},{kind: rail-optimized, nodes_per_group: 32, oversubscription: 4},{kind: rail-optimized, nodes_per_group: 64, planes: 2},{kind: torus, dims: [8, 8], link_bandwidth: 93GB/s}'
cp "$out/plots/effective_compute_ratio_allocated-vs-fabric_capex.svg" docs/img/fabric-planning.svg
cp "$out/runs.csv" docs/img/fabric-planning.csv
rm -rf "$out"
echo "wrote docs/img/fabric-planning.svg and docs/img/fabric-planning.csv"
