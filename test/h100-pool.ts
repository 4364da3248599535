// A pool of 8 H100 nodes on one InfiniBand NDR fabric running the given job lines (each indented as
// an item of `jobs:`, six spaces): the step-model tests' smallest realistic cluster.

export function h100Pool(name: string, jobLines: string): string {
  return `name: ${name}
datacentres:
  - name: dc
    fabric: IB-NDR
    node_groups: [{ count: 8, device: H100 }]
workloads:
  - jobs:
${jobLines}
`;
}
