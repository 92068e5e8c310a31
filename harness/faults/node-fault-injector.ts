import { dockerExec } from '../cluster/docker.js';
import { run } from '../util/exec.js';
import { FAULT_FAMILIES, FAULT_TABLE, faultScript, type FaultFamily, type ProxyFault } from './proxy-fault.js';

/** Applies and removes a ProxyFault inside one kind node container, in one nft table (per family) of its own. */
export class NodeFaultInjector {
  constructor(
    readonly node: string,
    readonly table: string = FAULT_TABLE,
  ) {}

  async inject(fault: ProxyFault | readonly ProxyFault[], targetPort: number, family: FaultFamily = 'ip'): Promise<void> {
    await this.clear();
    await dockerExec(this.node, ['nft', '-f', '-'], faultScript(fault, targetPort, family, this.table));
  }

  /** The families whose fault table the node holds. */
  async active(): Promise<FaultFamily[]> {
    const held = await Promise.all(
      FAULT_FAMILIES.map(async (family) => (await run('docker', ['exec', this.node, 'nft', 'list', 'table', family, this.table], { check: false })).exitCode === 0),
    );
    return FAULT_FAMILIES.filter((_, i) => held[i]);
  }

  async clear(): Promise<void> {
    for (const family of await this.active()) await dockerExec(this.node, ['nft', 'delete', 'table', family, this.table]);
  }
}
