// Rewrites the README's tables made from the registry: the features (between <!-- features:start -->
// and <!-- features:end -->) and the side-by-side with upstream (<!-- side-by-side:start --> ...).
import { readFileSync, writeFileSync } from 'node:fs';
import { featuresTable } from '../harness/features/features-table.js';
import { sideBySideTable } from '../harness/upstream/side-by-side-table.js';
import { REPO_ROOT } from '../harness/util/repo-root.js';

const file = `${REPO_ROOT}/README.md`;
const sections = { features: featuresTable(), 'side-by-side': sideBySideTable() };
let text = readFileSync(file, 'utf8');
for (const [name, table] of Object.entries(sections)) {
  const marked = new RegExp(`(<!-- ${name}:start -->\n)[\\s\\S]*?(<!-- ${name}:end -->)`);
  if (!marked.test(text)) {
    process.stderr.write(`error: README.md has no <!-- ${name}:start --> ... <!-- ${name}:end --> section: add the markers where the table goes\n`);
    process.exit(2);
  }
  text = text.replace(marked, (_, start: string, end: string) => `${start}${table}\n${end}`);
}
writeFileSync(file, text);
