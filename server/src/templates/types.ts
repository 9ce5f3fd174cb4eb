/** A job template: its file's types come from templates/template.schema.json (protocol/template.gen.ts). */
import type { TemplateResources } from '../../../protocol/templates';

export type {
  BooleanParameter,
  EnumParameter,
  IntegerParameter,
  NumberParameter,
  Parameter,
  PathParameter,
  SetCommands,
  StringParameter,
  TemplateData,
  TemplateKind,
  TemplateSource
} from '../../../protocol/templates';

/** A loaded, valid template and where it lives. */
export type { ListedTemplate as Template } from '../../../protocol/templates';

/** The sbatch options a template may set, in the order they are written. */
export const RESOURCE_NAMES = [
  'nodes',
  'ntasks',
  'cpusPerTask',
  'memory',
  'time',
  'partition',
  'account',
  'qos',
  'gres',
  'constraint',
  'jobName',
  'output',
  'error',
  'chdir'
] as const satisfies ReadonlyArray<keyof TemplateResources>;

export type ResourceName = keyof TemplateResources;

/** Literal values or text with {{name}} references. */
export type Resources = TemplateResources;
