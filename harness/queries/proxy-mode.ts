import { yaml } from '../util/yaml.js';
import type { ProxyModeReading } from './types.js';

const KNOWN = ['iptables', 'nftables', 'ipvs'] as const;

/**
 * The proxy mode from the text of kube-system/kube-proxy data["config.conf"]
 * (a KubeProxyConfiguration in YAML). Pass null when the ConfigMap or the key is absent: that reads as "none".
 * Flags on the kube-proxy command line (--proxy-mode) would override this; kubeadm and kind do not set them.
 */
export function readProxyMode(configText: string | null): ProxyModeReading {
  if (configText === null) {
    // kind's kubeProxyMode "none" skips kubeadm's kube-proxy addon, and with it this ConfigMap.
    return {
      mode: 'none',
      configured: null,
      note: 'no kube-system/kube-proxy ConfigMap with config.conf: kube-proxy is not deployed (kind kubeProxyMode none, or a replacement such as Cilium)',
    };
  }
  let config: unknown;
  try {
    config = yaml().parse(configText);
  } catch (error) {
    return { mode: 'unknown', configured: null, note: `config.conf is not valid YAML: ${(error as Error).message}` };
  }
  const raw = typeof config === 'object' && config !== null ? (config as Record<string, unknown>)['mode'] : undefined;
  if (raw === undefined || raw === null || raw === '') {
    return { mode: 'iptables', configured: raw === '' ? '' : null, note: 'mode is empty: kube-proxy uses its Linux default, iptables' };
  }
  if (typeof raw !== 'string') return { mode: 'unknown', configured: String(raw), note: 'mode is not a string' };
  const mode = KNOWN.find((m) => m === raw.toLowerCase());
  return mode ? { mode, configured: raw, note: null } : { mode: 'unknown', configured: raw, note: `unrecognised proxy mode "${raw}"` };
}
