// KaTeX itself, for the tests: `node katex_check.mjs KATEX.JS` reads a JSON list of formulas
// (TeX without $) on stdin and prints, as JSON, whether the given KaTeX typesets each one with
// throwOnError (the pages run it without: a formula it cannot read shows as TeX, in red).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const katex = require(process.argv[2]);
const formulas = JSON.parse(readFileSync(0, "utf8"));
const readable = formulas.map((tex) => {
  try {
    katex.renderToString(tex, { throwOnError: true });
    return true;
  } catch (error) {
    if (error instanceof katex.ParseError) {
      return false;
    }
    throw error;
  }
});
console.log(JSON.stringify(readable));
