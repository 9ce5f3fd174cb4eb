/**
 * "Use in notebook" for a custom set (src/sets/code.ts): the cell is the snippet its template
 * declares, as the companion filled it in, under a header that names the set.
 */
import type { ISetRecord, SetConnection } from '../../../src/sets/api';
import { connectionCode } from '../../../src/sets/code';

const record = {
  id: 's1',
  cluster: 'local',
  kind: 'custom',
  name: 'Spark standalone × 2'
} as ISetRecord;

describe('a custom set in a notebook', () => {
  it("inserts the template's snippet, filled in by the companion", () => {
    const connection: SetConnection = {
      kind: 'custom',
      connection: { master: 'spark://n1:7077' },
      path: '/d/s1/connection.json',
      fields: [],
      webUIs: [],
      code: 'spark = SparkSession.builder.master("spark://n1:7077").getOrCreate()'
    };
    expect(connectionCode(record, connection)).toBe(
      '# Spark standalone × 2: custom set s1 on local\nspark = SparkSession.builder.master("spark://n1:7077").getOrCreate()'
    );
  });

  it('gives the connection values when the template declares no snippet', () => {
    const connection: SetConnection = {
      kind: 'custom',
      connection: { master: 'spark://n1:7077' },
      path: '/d/s1/connection.json',
      fields: [],
      webUIs: []
    };
    expect(connectionCode(record, connection)).toContain(
      'connection = json.loads("{\\"master\\":\\"spark://n1:7077\\"}")'
    );
  });
});
