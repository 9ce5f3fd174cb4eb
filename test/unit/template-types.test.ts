/**
 * protocol/template.gen.ts is what scripts/template-types.mjs generates from
 * templates/template.schema.json today: a schema change without a regeneration fails here.
 */
import { execFileSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';

const root = join(__dirname, '..', '..');

it('protocol/template.gen.ts is generated from the current template schema', () => {
  const generated = execFileSync(process.execPath, [join(root, 'scripts', 'template-types.mjs'), '--stdout'], {
    encoding: 'utf8'
  });
  expect(readFileSync(join(root, 'protocol', 'template.gen.ts'), 'utf8')).toBe(generated);
});
