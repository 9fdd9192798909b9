// The `disk` fault's hook: opens and closes a window of faults on one node's SimDisk. A node whose
// host gave up during the window (an fsync EIO or a full volume is fatal by design: a node never
// guesses what reached the disk) is restarted when the window closes, as an operator would once the
// device is healthy again; it then recovers from what its disk holds.
import type { NodeId } from '../../core/types.ts';
import type { DiskWindowFaults } from '../disk/sim-disk.ts';
import type { SimCluster } from './sim-cluster.ts';

export function makeDiskFaultHook(cluster: SimCluster): (node: NodeId, faults: DiskWindowFaults | undefined) => boolean {
  return (node, faults) => {
    const disk = cluster.disks.get(node);
    if (!disk) return false;
    disk.setWindowFaults(faults);
    const { world } = cluster;
    if (faults === undefined && cluster.fatal.has(node) && world.state(node) === 'up') {
      world.kill(node);
      cluster.nodeDown(node);
      world.restart(node);
    }
    return true;
  };
}
