// TypeScript types from JSON Schemas, by json-schema-to-typescript: reads {"name": schema, ...}
// as JSON on stdin and writes {"name": "typescript source", ...} as JSON on stdout.
// Run by scripts/gen-web-types, which dumps the schemas from the API in-process.
import { compile } from "json-schema-to-typescript";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const schemas = JSON.parse(input);
const sources = {};
for (const [name, schema] of Object.entries(schemas)) {
  sources[name] = await compile(schema, name, {
    bannerComment: "",
    unreachableDefinitions: true, // every named schema, not only those the root reaches
    additionalProperties: false, // a model's fields are all it has
    format: true,
  });
}
process.stdout.write(JSON.stringify(sources));
