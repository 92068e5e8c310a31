/** Docker labels on the traffic client containers: what they are, and which run made them. */
export const ROLE_LABEL = 'io.kube-proxy-conformance/role';
export const RUN_LABEL = 'io.kube-proxy-conformance/run';
