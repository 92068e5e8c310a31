/**
 * The lab's jq programs, verbatim (including the trailing space of the first one), and
 * their generalisations. Inputs are `kubectl get ... -o json` documents.
 */

/** Lab: ExternalIP of the first node, from `kubectl get nodes -o json`. kind nodes have none. */
export const LAB_FIRST_NODE_EXTERNAL_IP = '.items[0].status.addresses | .[] | select( .type=="ExternalIP" ) | .address ';

/** Lab: the service's first NodePort, from `kubectl get service NAME -o json`. */
export const LAB_NODE_PORT = '.spec.ports[0].nodePort';

/**
 * Every node with the address to reach its NodePort on, from `kubectl get nodes -o json`.
 * Rule: ExternalIP before InternalIP (or only the type given); within a type, IPv4 before IPv6;
 * ties keep API order. Values that are neither dotted-quad IPv4 nor hex-and-colon IPv6 are not
 * usable. A node without a usable address is still emitted, with address null and the types it had.
 */
export function nodeAddressesProgram(only?: 'ExternalIP' | 'InternalIP'): string {
  const types = only ? `.type == "${only}"` : '.type == "ExternalIP" or .type == "InternalIP"';
  return `
def family: if test("^[0-9]{1,3}(\\\\.[0-9]{1,3}){3}$") then "IPv4"
            elif test("^[0-9A-Fa-f:.]+$") and contains(":") then "IPv6"
            else null end;
[ .items[]
  | { name: .metadata.name, all: (.status.addresses // []) }
  | .usable = ( [ .all[]
                  | select(${types})
                  | select((.address | type) == "string")
                  | (.address | family) as $family
                  | select($family != null)
                  | { address, addressType: .type,
                      rank: ((if .type == "ExternalIP" then 0 else 2 end) + (if $family == "IPv4" then 0 else 1 end)) } ]
                | sort_by(.rank) )
  | if (.usable | length) > 0
    then { name, address: .usable[0].address, addressType: .usable[0].addressType }
    else { name, address: null, addressType: null, typesSeen: [ .all[] | .type ] }
    end ]`;
}

export const NODE_ADDRESSES = nodeAddressesProgram();

/**
 * Endpoints from `kubectl get endpointslices -l kubernetes.io/service-name=NAME -o json`.
 * ready: conditions.ready true or absent (the API says consumers should read an unknown state as ready).
 * One entry per address; dual-stack duplicates are removed by the caller's rule.
 */
export const ENDPOINT_SLICE_ENDPOINTS = `
[ .items[]
  | .addressType as $family
  | select($family == "IPv4" or $family == "IPv6")
  | (.endpoints // [])[]
  | { pod: (if .targetRef.kind == "Pod" then .targetRef.name else null end),
      ip: (.addresses[0] // null),
      node: (.nodeName // null),
      family: $family,
      ready: (.conditions.ready != false) } ]`;

/** Type, ports and traffic policy from `kubectl get service NAME -o json`. */
export const SERVICE_SUMMARY = `
{ namespace: .metadata.namespace,
  name: .metadata.name,
  type: .spec.type,
  externalTrafficPolicy: (.spec.externalTrafficPolicy // "Cluster"),
  nodePort: (.spec.ports[0].nodePort // null),
  ports: [ (.spec.ports // [])[]
           | { name: (.name // null), protocol: (.protocol // "TCP"), port, targetPort: (.targetPort // .port), nodePort: (.nodePort // null) } ] }`;

/** The kube-proxy configuration text from `kubectl -n kube-system get configmap kube-proxy -o json` (YAML inside). */
export const KUBE_PROXY_CONFIG_TEXT = '.data["config.conf"] // null';
