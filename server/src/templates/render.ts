import { FieldErrors } from './errors';
import { moduleLines } from './modules';
import { resolveParameters } from './params';
import { resourceOptions } from './resources';
import { FillValue, fillShell } from './shell-fill';
import { scanShell } from './shell-context';
import { TemplateData } from './types';

/** A job ready for `sbatch`: the options go on its command line, the script on its stdin. */
export interface RenderedJob {
  script: string;
  options: string[];
}

/**
 * Renders a (loaded, checked) template with the user's parameter values. The script repeats
 * every option as an `#SBATCH` line for its reader; sbatch gets the same options as argv,
 * so the preview is exactly what runs. `defaults.chdir`: the folder the job runs in when the
 * template has no chdir. Throws FieldErrors naming each bad parameter.
 */
export function renderTemplate(
  t: TemplateData,
  params: Record<string, unknown>,
  defaults: { chdir?: string } = {}
): RenderedJob {
  const prepared = prepare(t, params);
  const { fill } = prepared;
  // where the job runs when the template does not say: stated in the preview like any option
  const hasChdir = prepared.options.some(o => o.startsWith('--chdir='));
  const options = defaults.chdir && !hasChdir ? [...prepared.options, `--chdir=${defaults.chdir}`] : prepared.options;
  const setup = fill(t.setup.join('\n'), '/setup');
  const body = fill(t.script, '/script');
  return { options, script: composeScript(options, moduleLines(t.modules), setup, body) };
}

/** What a cluster set takes from its template: the sbatch options, and the module loads and set-up as one shell text. */
export interface RenderedEnvironment {
  options: string[];
  environment: string;
}

/** Renders a set template's resources, modules and set-up (its script is not a set's: left out). */
export function renderEnvironment(t: TemplateData, params: Record<string, unknown>): RenderedEnvironment {
  const { options, fill } = prepare(t, params);
  const setup = fill(t.setup.join('\n'), '/setup').trimEnd();
  return { options, environment: [...moduleLines(t.modules), setup].filter(s => s !== '').join('\n') };
}

/** The parameters resolved, the resource options, and the filler that quotes each value for its place. */
function prepare(
  t: TemplateData,
  params: Record<string, unknown>
): { options: string[]; fill: (text: string, field: string) => string } {
  const values = resolveParameters(t.parameters, params);
  const options = resourceOptions(t.resources, name => values.get(name)?.text, { jobName: t.id });
  const value = (name: string): FillValue => {
    const v = values.get(name);
    if (!v) {
      throw new FieldErrors([
        { field: '/id', message: `template ${t.id} references an unknown parameter {{${name}}}` }
      ]);
    }
    return v;
  };
  const fill = (text: string, field: string): string => {
    const scan = scanShell(text);
    if (scan.problem) {
      throw new FieldErrors([{ field, message: `line ${scan.problem.line}: ${scan.problem.message}` }]);
    }
    // checked when the template was saved or loaded; checked again here, where it runs
    const refused = scan.sites.find(s => !s.context && !value(s.name).raw);
    if (refused) {
      const ref = `{{${refused.name}}}`;
      const message = `line ${refused.line}: ${ref} is ${refused.refused}, where its value cannot be quoted`;
      throw new FieldErrors([{ field, message }]);
    }
    return fillShell(text, scan.sites, value);
  };
  return { options, fill };
}

function composeScript(options: string[], modules: string[], setup: string, body: string): string {
  const header = ['#!/bin/bash', ...options.map(o => `#SBATCH ${o}`)].join('\n');
  const sections = [header, modules.join('\n'), setup.trimEnd(), body.trimEnd()].filter(s => s !== '');
  return sections.join('\n\n') + '\n';
}
