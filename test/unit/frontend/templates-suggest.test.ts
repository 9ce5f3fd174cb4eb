/**
 * What "Run again" suggests in a template's form (src/templates/suggest.ts): the parameters
 * a template's memory and CPU resources are made of, in each parameter's own form.
 */
import type { IJobTemplate } from '../../../src/templates/api';
import { suggestedValues } from '../../../src/templates/suggest';

function template(resources: { [name: string]: string }, parameters: IJobTemplate['parameters']): IJobTemplate {
  return { id: 't', source: 'centre', title: 'T', resources, parameters } as unknown as IJobTemplate;
}

describe('suggestedValues', () => {
  it('picks the smallest listed memory that holds the suggestion, and the CPU count', () => {
    const t = template(
      { memory: '{{memory}}', cpusPerTask: '{{ cores }}' },
      {
        memory: { type: 'enum', choices: ['16G', '1G', '2G', '512M'], default: '2G' },
        cores: { type: 'integer', minimum: 1, maximum: 64, default: 2 }
      }
    );
    expect(suggestedValues(t, { memory: '16G', cores: '8' }, { memoryMB: 600, cpus: 2 })).toEqual({
      memory: '1G',
      cores: '2'
    });
    expect(suggestedValues(t, { memory: '16G', cores: '8' }, { memoryMB: 256 })).toEqual({ memory: '512M' });
    // nothing listed is large enough; already what the job used: no suggestion
    expect(suggestedValues(t, { memory: '2G', cores: '2' }, { memoryMB: 20_000, cpus: 2 })).toEqual({});
  });

  it('writes a Slurm size for a text parameter, megabytes for a number; leaves mixed resources alone', () => {
    const text = template({ memory: '{{mem}}' }, { mem: { type: 'string', default: '4G' } });
    expect(suggestedValues(text, { mem: '4G' }, { memoryMB: 512 })).toEqual({ mem: '512M' });
    expect(suggestedValues(text, { mem: '4G' }, { memoryMB: 2048 })).toEqual({ mem: '2G' });
    const number = template({ memory: '{{mb}}' }, { mb: { type: 'integer', minimum: 256, default: 4096 } });
    expect(suggestedValues(number, { mb: '4096' }, { memoryMB: 128 })).toEqual({ mb: '256' });
    const mixed = template({ memory: '{{gb}}G' }, { gb: { type: 'integer', default: 4 } });
    expect(suggestedValues(mixed, { gb: '4' }, { memoryMB: 512 })).toEqual({});
  });
});
