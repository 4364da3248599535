// Topology kinds by name: one row per kind (its file holds the schema, the placement grouping and
// the builder). A data centre's `topology:` block is one of these schemas, chosen by `kind`.
import { z } from 'zod';
import type { FabricKind } from '../fabric-kind.js';
import { dragonfly, dragonflySchema } from './dragonfly.js';
import { fatTree, fatTreeSchema } from './fat-tree.js';
import { graph, graphSchema } from './graph.js';
import { leafSpine, leafSpineSchema } from './leaf-spine.js';
import { railOptimized, railOptimizedSchema } from './rail-optimized.js';
import { torus, torusSchema } from './torus.js';

export const topologySchema = z.discriminatedUnion('kind', [leafSpineSchema, fatTreeSchema, railOptimizedSchema, torusSchema, dragonflySchema, graphSchema]);

export type TopologySpec = z.output<typeof topologySchema>;

const KINDS: { readonly [K in TopologySpec['kind']]: FabricKind<Extract<TopologySpec, { kind: K }>> } = {
  'leaf-spine': leafSpine,
  'fat-tree': fatTree,
  'rail-optimized': railOptimized,
  torus,
  dragonfly,
  graph,
};

/** The kind of a data centre's topology block. */
export function fabricKind<S extends TopologySpec>(spec: S): FabricKind<S> {
  return KINDS[spec.kind] as unknown as FabricKind<S>;
}

/** Every registered kind (for listings, the docs and the contract suite over all kinds). */
export const topologyKinds = (): readonly { kind: string; description: string; example: { block: string; nodes: number } }[] =>
  Object.values(KINDS).map((k) => ({ kind: k.kind, description: k.description, example: k.example }));
