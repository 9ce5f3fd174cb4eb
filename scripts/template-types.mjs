// Writes protocol/template.gen.ts, the TypeScript types of a job template file, from
// templates/template.schema.json (json-schema-to-typescript), so that the schema is the one
// definition and the companion and the Lab take their types from it. Run it after changing the
// schema: `node scripts/template-types.mjs`; with `--stdout` it prints the text instead (the unit
// test test/unit/template-types.test.ts checks that the checked-in file is what it prints).
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { compile } from 'json-schema-to-typescript';
import prettier from 'prettier';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SCHEMA = join(root, 'templates', 'template.schema.json');
const OUT = join(root, 'protocol', 'template.gen.ts');

const BANNER = `/**
 * GENERATED from templates/template.schema.json by scripts/template-types.mjs: do not edit.
 * Change the schema, then run \`node scripts/template-types.mjs\`.
 *
 * A job template file as the schema defines it (before the companion fills in its defaults).
 */`;

const capitalized = text => text[0].toUpperCase() + text.slice(1);

/**
 * The schema, with what json-schema-to-typescript cannot read from it made explicit: a
 * parameter's `required: ["type"]` holds for each of its `oneOf` branches; and names (as
 * titles, which the generator names types by) for the shapes the code refers to.
 */
function prepared(schema) {
  const copy = structuredClone(schema);
  copy.title = 'TemplateFile';
  copy.properties.resources.title = 'TemplateResources';
  copy.properties.set.title = 'SetCommands';
  const parameter = copy.definitions.parameter;
  for (const branch of parameter.oneOf) {
    branch.required = [...new Set([...(parameter.required ?? []), ...(branch.required ?? [])])];
    branch.title = `${capitalized(branch.properties.type.const)}Parameter`;
  }
  return copy;
}

export async function templateTypes() {
  const schema = prepared(JSON.parse(await readFile(SCHEMA, 'utf8')));
  const text = await compile(schema, 'TemplateFile', {
    bannerComment: BANNER,
    additionalProperties: false,
    ignoreMinAndMaxItems: true,
    unreachableDefinitions: false,
    format: false
  });
  const options = await prettier.resolveConfig(OUT);
  return prettier.format(text, { ...options, filepath: OUT });
}

const text = await templateTypes();
if (process.argv.includes('--stdout')) {
  process.stdout.write(text);
} else {
  await writeFile(OUT, text);
}
