// Methods of the simulator's objects that only read state: a plug-in's view calls them on the real
// object, because through a view each of their reads (a FreeIndex walk, say) would pay a proxy trap.
// A method belongs here only if it writes nothing: test/read-only-view.test.ts calls each through a
// view that does not know this list, which refuses any write.
import { Cluster } from '../model/cluster.js';
import { FreeIndex } from '../model/free-index.js';

export const READ_ONLY_METHODS: ReadonlySet<unknown> = new Set<unknown>([
  FreeIndex.prototype.leftmost,
  FreeIndex.prototype.max,
  FreeIndex.prototype.tightest,
  Cluster.prototype.firstWholeFreeDevice,
  Cluster.prototype.maxSharedFreeMilli,
  Cluster.prototype.mayHoldNow,
  Cluster.prototype.totalPeakFlops,
  Cluster.prototype.kindIndex,
]);
