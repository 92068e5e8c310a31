import { dockerExec } from '../cluster/docker.js';
import { run } from '../util/exec.js';
import { FAULT_TABLE, faultScript, type ProxyFault } from './proxy-fault.js';

/** Applies and removes a ProxyFault inside one kind node container. */
export class NodeFaultInjector {
  constructor(readonly node: string) {}

  async inject(fault: ProxyFault | readonly ProxyFault[], targetPort: number): Promise<void> {
    await this.clear();
    await dockerExec(this.node, ['nft', '-f', '-'], faultScript(fault, targetPort));
  }

  async active(): Promise<boolean> {
    const { exitCode } = await run('docker', ['exec', this.node, 'nft', 'list', 'table', 'ip', FAULT_TABLE], { check: false });
    return exitCode === 0;
  }

  async clear(): Promise<void> {
    if (await this.active()) await dockerExec(this.node, ['nft', 'delete', 'table', 'ip', FAULT_TABLE]);
  }
}
