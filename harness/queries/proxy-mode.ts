import { yaml } from '../util/yaml.js';
import { KUBE_PROXY_MODES, type ProxyModeReading } from './types.js';

/** kube-proxy's mode on Linux when its configuration leaves `mode` empty or out. */
const LINUX_DEFAULT_MODE = 'iptables';

type Parsed = { config: unknown } | { error: string };

function parse(text: string): Parsed {
  try {
    return { config: yaml().parse(text) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const modeField = (config: unknown): unknown => (typeof config === 'object' && config !== null ? (config as Record<string, unknown>)['mode'] : undefined);
const isUnset = (raw: unknown) => raw === undefined || raw === null || raw === '';

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
  const parsed = parse(configText);
  if ('error' in parsed) return { mode: 'unknown', configured: null, note: `config.conf is not valid YAML: ${parsed.error}` };
  const raw = modeField(parsed.config);
  if (isUnset(raw)) return { mode: LINUX_DEFAULT_MODE, configured: raw === '' ? '' : null, note: `mode is empty: kube-proxy uses its Linux default, ${LINUX_DEFAULT_MODE}` };
  if (typeof raw !== 'string') return { mode: 'unknown', configured: String(raw), note: 'mode is not a string' };
  const mode = KUBE_PROXY_MODES.find((m) => m === raw.toLowerCase());
  return mode ? { mode, configured: raw, note: null } : { mode: 'unknown', configured: raw, note: `unrecognised proxy mode "${raw}"` };
}

/**
 * `mode` of a KubeProxyConfiguration in YAML, as kube-proxy takes it (empty or out: its Linux
 * default, iptables). Undefined when the text is no such configuration, or its mode no string.
 */
export function kubeProxyConfigMode(text: string): string | undefined {
  const parsed = parse(text);
  if ('error' in parsed || (parsed.config as { kind?: unknown } | null)?.kind !== 'KubeProxyConfiguration') return undefined;
  const raw = modeField(parsed.config);
  if (isUnset(raw)) return LINUX_DEFAULT_MODE;
  return typeof raw === 'string' ? raw : undefined;
}
