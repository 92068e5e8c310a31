/** The installed command; a subcommand's usage line names it as users type it, e.g. "kube-proxy-conformance cluster up". */
export const BIN = 'kube-proxy-conformance';

export const commandName = (subcommand: string) => `${BIN} ${subcommand}`;
