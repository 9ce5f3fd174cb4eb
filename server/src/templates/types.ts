import type { SetCommands } from '../../../protocol/sets';

export type { SetCommands };

/** A job template as its file holds it (see templates/template.schema.json). */

export type TemplateKind = 'batch' | 'dask' | 'ipyparallel' | 'custom';

/** Where a template comes from: the centre's directories (read-only) or the user's own. */
export type TemplateSource = 'centre' | 'personal';

export type {
  BooleanParameter,
  EnumParameter,
  IntegerParameter,
  NumberParameter,
  Parameter,
  PathParameter,
  StringParameter
} from '../../../protocol/templates';
import type { Parameter } from '../../../protocol/templates';

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
] as const;

export type ResourceName = (typeof RESOURCE_NAMES)[number];

/** Literal values or text with {{name}} references. */
export type Resources = Partial<Record<ResourceName, string | number>>;

export interface TemplateData {
  id: string;
  title: string;
  description: string;
  kind: TemplateKind;
  clusters: string[];
  resources: Resources;
  modules: string[];
  setup: string[];
  script: string;
  parameters: Record<string, Parameter>;
  /** Present for kind `custom`. */
  set?: SetCommands;
}

/** A loaded, valid template and where it lives. */
export interface Template extends TemplateData {
  source: TemplateSource;
  /** Only personal templates are editable by the user. */
  editable: boolean;
  file: string;
}
