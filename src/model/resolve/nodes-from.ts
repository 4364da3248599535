// A data centre's nodes read from a trace's node list (`nodes_from`, Alibaba openb's format): nodes
// of one (model, devices per node, CPU, memory) become one node group, in order of first appearance.
import { parseAlibabaOpenbNodes, TraceError } from '../../scenario/traces/index.js';
import { firstSkippedOf } from '../../scenario/traces/first-skipped.js';
import type { NodeGroup } from '../cluster.js';
import type { PathKey } from '../../scenario/errors.js';
import type { Scenario } from '../../scenario/schema.js';
import type { UniqueNames } from '../unique-names.js';
import type { ResolveContext } from './context.js';
import type { KindBook } from './kinds.js';

type NodesFrom = NonNullable<Scenario['datacentres'][number]['nodes_from']>;

/**
 * The node groups of data centre `di` (named `dcName`) that `nodesFrom` lists, numbered from
 * `firstNode`; none when the file cannot be read or is refused (the problem is recorded).
 */
export function nodeGroupsFrom(nodesFrom: NodesFrom, dcName: string, di: number, firstNode: number, book: KindBook, groupNames: UniqueNames, ctx: ResolveContext): NodeGroup[] {
  const at: PathKey[] = ['datacentres', di, 'nodes_from'];
  const text = ctx.readRelative(nodesFrom.path, [...at, 'path']);
  if (text === undefined) return [];
  const groups: NodeGroup[] = [];
  try {
    const imported = parseAlibabaOpenbNodes(text, nodesFrom.path);
    // A group is named by model and devices, plus its CPU cores and memory GiB where one (model,
    // devices) comes in several host sizes.
    const buckets = new Map<string, { model: string; perNode: number; count: number; cpuMilli: number | undefined; memoryMiB: number | undefined }>();
    const hostSizes = new Map<string, Set<string>>();
    for (const n of imported.nodes) {
      const model = n.model ?? '';
      const key = `${model}\u0000${n.devices}\u0000${n.cpuMilli ?? ''}\u0000${n.memoryMiB ?? ''}`;
      const b = buckets.get(key);
      if (b) b.count++;
      else buckets.set(key, { model, perNode: n.devices, count: 1, cpuMilli: n.cpuMilli, memoryMiB: n.memoryMiB });
      const base = `${model}\u0000${n.devices}`;
      if (!hostSizes.has(base)) hostSizes.set(base, new Set());
      hostSizes.get(base)!.add(`${n.cpuMilli ?? ''}\u0000${n.memoryMiB ?? ''}`);
    }
    const unknown = new Map<string, number>();
    /** Models the nodes name that the map leaves to the catalogue's reading of the name, and the kind read. */
    const byCatalogue = new Map<string, string>();
    for (const b of buckets.values()) {
      const kindName = book.kindNameOfModel(b.model, nodesFrom.device_map);
      if (kindName === undefined) {
        unknown.set(b.model, (unknown.get(b.model) ?? 0) + b.count);
        continue;
      }
      if (b.model !== '' && nodesFrom.device_map[b.model] === undefined) byCatalogue.set(b.model, kindName);
      const kind = book.useKind(kindName, [...at, 'device_map', b.model]);
      if (kind === undefined) continue;
      const sizes = hostSizes.get(`${b.model}\u0000${b.perNode}`)!.size;
      const hostSuffix = sizes > 1 ? `-cpu${b.cpuMilli === undefined ? 'any' : b.cpuMilli / 1000}-mem${b.memoryMiB === undefined ? 'any' : Math.round(b.memoryMiB / 1024)}G` : '';
      const groupName = `${dcName}-${b.model}-x${b.perNode}${hostSuffix}`;
      groupNames.claim(groupName, at, ' (the group nodes_from makes of its trace model and devices per node: rename the other group)');
      groups.push({
        name: groupName,
        datacentre: di,
        kind,
        firstNode,
        nodeCount: b.count,
        devicesPerNode: b.perNode,
        nicsPerNode: 1,
        nicRateBytesPerS: undefined,
        ...(b.cpuMilli !== undefined ? { cpuMilliPerNode: b.cpuMilli } : {}),
        ...(b.memoryMiB !== undefined ? { memoryMiBPerNode: b.memoryMiB } : {}),
      });
      firstNode += b.count;
    }
    // A key no node names maps nothing: misspelt (V100M1 for V100M16), it left the model it was meant
    // for to the catalogue's reading of its name, unseen. Said as for a trace's device_map
    // (trace-jobs.ts), when some model the nodes name is read by the catalogue, not the map.
    const named = new Set([...buckets.values()].map((b) => b.model));
    const unmatched = Object.keys(nodesFrom.device_map).filter((m) => !named.has(m));
    if (unmatched.length > 0 && byCatalogue.size > 0) {
      const read = [...byCatalogue].map(([m, k]) => `${m} -> ${k}`);
      ctx.warn(
        [...at, 'device_map', unmatched[0]!],
        `device_map maps ${unmatched.map((m) => `'${m}'`).join(', ')}, which no node of the list names, while models the nodes name are not in it and are read by the catalogue's names (${read.slice(0, 8).join(', ')}${read.length > 8 ? `, and ${read.length - 8} more` : ''}): keys are matched exactly, case counts; is one misspelt?`,
      );
    }
    if (unknown.size > 0) {
      const list = [...unknown].map(([m, n]) => `'${m}' (${n} nodes)`).join(', ');
      ctx.fail([...at, 'device_map'], `trace GPU models not in the catalogue: ${list}; map each to a device kind, e.g. device_map: { ${[...unknown.keys()][0]}: V100-SXM2-32GB }`);
    }
    ctx.traceReports.push({
      workload: `datacentres[${di}].nodes_from`,
      kind: 'nodes',
      source: imported.source,
      rows: imported.rows,
      jobs: imported.nodes.length,
      skippedByReason: imported.skippedByReason,
      firstSkipped: firstSkippedOf(imported.skipped),
      filteredByOption: {},
      renamedByReason: {},
      suspectByReason: {},
      firstSuspect: {},
    });
  } catch (e) {
    if (e instanceof TraceError) ctx.fail([...at, 'path'], e.message);
    else throw e;
  }
  return groups;
}
