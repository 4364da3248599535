// The scenario a sanity test explains one published training run in: the run's GPUs, 8 to a node,
// on one InfiniBand NDR fabric of 32 nodes a leaf, and the run as its only job of 1T tokens.
// Shared by the Megatron-Bridge and mixture-of-experts sanity sets, which describe their rows alike.

export interface PublishedRun {
  /** The scenario's name. */
  scenario: string;
  /** A line between the seed and the data centres (a `devices:` override), written even when empty. */
  preamble?: string;
  device: string;
  gpus: number;
  /** The job's name. */
  job: string;
  /** Parameters, in billions. */
  params: number;
  /** What goes inside the job's `model: { ... }` and `layout: { ... }`. */
  model: string;
  layout: string;
}

export function publishedRunScenario(r: PublishedRun): string {
  return `name: ${r.scenario}
seed: 1
${r.preamble === undefined ? '' : `${r.preamble}\n`}datacentres:
  - name: dc
    fabric: IB-NDR
    nodes_per_leaf: 32
    node_groups:
      - { name: g, count: ${r.gpus / 8}, device: ${r.device} }
workloads:
  - jobs:
      - name: ${r.job}
        devices: ${r.gpus}
        params: ${r.params}B
        tokens: 1T
        model: { ${r.model} }
        layout: { ${r.layout} }
`;
}
