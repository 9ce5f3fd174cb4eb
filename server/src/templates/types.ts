import type { SetCommands } from '../../../protocol/sets';

export type { SetCommands };

/** A job template as its file holds it (see templates/template.schema.json). */

export type TemplateKind = 'batch' | 'dask' | 'ipyparallel' | 'custom';

/** Where a template comes from: the centre's directories (read-only) or the user's own. */
export type TemplateSource = 'centre' | 'personal';

interface ParameterBase {
  title?: string;
  description?: string;
  /** Substituted without shell quoting: centre templates only. */
  raw?: boolean;
}

export interface StringParameter extends ParameterBase {
  type: 'string';
  default?: string;
  maxLength?: number;
  pattern?: string;
  multiline?: boolean;
}

export interface PathParameter extends ParameterBase {
  type: 'path';
  default?: string;
  maxLength?: number;
  pattern?: string;
}

export interface IntegerParameter extends ParameterBase {
  type: 'integer';
  default?: number;
  minimum?: number;
  maximum?: number;
}

export interface NumberParameter extends ParameterBase {
  type: 'number';
  default?: number;
  minimum?: number;
  maximum?: number;
}

export interface EnumParameter extends ParameterBase {
  type: 'enum';
  default?: string;
  choices: string[];
}

export interface BooleanParameter extends ParameterBase {
  type: 'boolean';
  default?: boolean;
}

export type Parameter =
  StringParameter | PathParameter | IntegerParameter | NumberParameter | EnumParameter | BooleanParameter;

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
