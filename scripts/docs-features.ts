// Rewrites the README's table of features (between <!-- features:start --> and <!-- features:end -->) from the registry.
import { readFileSync, writeFileSync } from 'node:fs';
import { featuresTable } from '../harness/features/features-table.js';
import { REPO_ROOT } from '../harness/util/repo-root.js';

const file = `${REPO_ROOT}/README.md`;
const readme = readFileSync(file, 'utf8');
const marked = /(<!-- features:start -->\n)[\s\S]*?(<!-- features:end -->)/;
if (!marked.test(readme)) {
  process.stderr.write('error: README.md has no <!-- features:start --> ... <!-- features:end --> section: add the markers where the table goes\n');
  process.exit(2);
}
writeFileSync(file, readme.replace(marked, `$1${featuresTable()}\n$2`));
