#!/usr/bin/env bash
# Regenerates docs/img/two-dc-latency.svg (the README's picture): the two-DC training job's effective
# compute ratio as the inter-DC latency goes from 10 us to 10 ms. Run from the repository root after
# `npm run build`.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp -d)
node dist/cli/main.js sweep scenarios/two-dc-latency.yaml \
  --set 'links[0].latency=10us..10ms:log:7' --job split-13b \
  --metrics job_effective_compute_ratio --plot --quiet --out "$out"
cp "$out/plots/job_effective_compute_ratio-vs-links-0-latency.svg" docs/img/two-dc-latency.svg
cp "$out/runs.csv" docs/img/two-dc-latency.csv
rm -rf "$out"
echo "wrote docs/img/two-dc-latency.svg and docs/img/two-dc-latency.csv"
