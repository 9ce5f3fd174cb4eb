import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLUSTER_SCHEMA } from '../../protocol/clusters';

// JupyterLab reads schema/sidebar.json as a static file; protocol/clusters.ts is the definition.
describe('the Lab settings schema', () => {
  it("holds protocol/clusters.ts's cluster schema, as it is", () => {
    const settings = JSON.parse(readFileSync(join(__dirname, '../../schema/sidebar.json'), 'utf8'));
    expect(settings.definitions.cluster).toEqual(CLUSTER_SCHEMA);
  });
});
