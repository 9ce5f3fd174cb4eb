// Writes jupyterlab_hpc/protocol.json from the compiled protocol (lib/protocol, after `tsc -b`):
// every JSON-able constant of the modules Python reads, by module and name, so that the kernel
// code takes the job fields, states, table columns and separators from the one definition.
//
// lib/ holds ES modules in a package without "type": "module"; each module read here imports
// nothing at run time (each protocol module that Python reads says so), so each loads alone, as a
// data: URL, on any Node.
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MODULES = ['jobs', 'records', 'poll', 'comm', 'clusters', 'history'];

async function load(name) {
  const source = await readFile(join(root, 'lib', 'protocol', `${name}.js`), 'utf8');
  try {
    return await import(`data:text/javascript;base64,${Buffer.from(source).toString('base64')}`);
  } catch (error) {
    throw new Error(`lib/protocol/${name}.js does not load alone (a run-time import?): ${error.message}`);
  }
}

/** The module's constants: functions are code, not data. */
function constants(module) {
  return Object.fromEntries(Object.entries(module).filter(([, value]) => typeof value !== 'function'));
}

const protocol = {};
for (const name of MODULES) {
  protocol[name] = constants(await load(name));
}
const out = join(root, 'jupyterlab_hpc', 'protocol.json');
await writeFile(out, `${JSON.stringify(protocol, null, 1)}\n`);
