/**
 * GENERATED from templates/template.schema.json by scripts/template-types.mjs: do not edit.
 * Change the schema, then run `node scripts/template-types.mjs`.
 *
 * A job template file as the schema defines it (before the companion fills in its defaults).
 */

/**
 * A literal value or text with {{name}} references, checked when the template is rendered.
 */
export type Resource = string | number;
export type Parameter =
  StringParameter | PathParameter | IntegerParameter | NumberParameter | EnumParameter | BooleanParameter;
export type ParamTitle = string;
export type ParamDescription = string;
/**
 * Substitute the value without shell quoting. Centre templates only.
 */
export type ParamRaw = boolean;

/**
 * One file, one template. Centre templates live in the directories of c.HpcConfig.template_dirs (read-only for users); personal templates in the user's data directory. The body, the set-up lines and the resources reference parameters as {{name}}.
 */
export interface TemplateFile {
  $schema?: string;
  /**
   * Stable name of the template (a personal template's file is <id>.json).
   */
  id: string;
  title: string;
  description?: string;
  /**
   * batch: a job script. dask, ipyparallel, custom: the job of a cluster set (cluster controls).
   */
  kind?: 'batch' | 'dask' | 'ipyparallel' | 'custom';
  /**
   * Names of the clusters this template targets; empty: every cluster.
   */
  clusters?: string[];
  resources?: TemplateResources;
  /**
   * Environment modules, loaded in this order with `module load`.
   */
  modules?: string[];
  /**
   * Environment set-up lines (e.g. `source /project/env.sh`), kept as written; they may use {{name}}.
   */
  setup?: string[];
  /**
   * The body of the job script, without the #! line and without #SBATCH lines.
   */
  script: string;
  /**
   * Typed values the user picks in the form, in display order.
   */
  parameters?: {
    [k: string]: Parameter;
  };
  set?: SetCommands;
}
/**
 * Slurm resources; each becomes one sbatch option. A value that renders empty is left out.
 */
export interface TemplateResources {
  nodes?: Resource;
  ntasks?: Resource;
  cpusPerTask?: Resource;
  memory?: Resource;
  time?: Resource;
  partition?: Resource;
  account?: Resource;
  qos?: Resource;
  gres?: Resource;
  constraint?: Resource;
  jobName?: Resource;
  output?: Resource;
  error?: Resource;
  chdir?: Resource;
}
export interface StringParameter {
  type: 'string';
  title?: ParamTitle;
  description?: ParamDescription;
  raw?: ParamRaw;
  default?: string;
  maxLength?: number;
  /**
   * The whole value must match.
   */
  pattern?: string;
  /**
   * Allow newlines.
   */
  multiline?: boolean;
}
export interface PathParameter {
  type: 'path';
  title?: ParamTitle;
  description?: ParamDescription;
  raw?: ParamRaw;
  default?: string;
  maxLength?: number;
  /**
   * The whole value must match.
   */
  pattern?: string;
}
export interface IntegerParameter {
  type: 'integer';
  title?: ParamTitle;
  description?: ParamDescription;
  raw?: ParamRaw;
  default?: number;
  minimum?: number;
  maximum?: number;
}
export interface NumberParameter {
  type: 'number';
  title?: ParamTitle;
  description?: ParamDescription;
  raw?: ParamRaw;
  default?: number;
  minimum?: number;
  maximum?: number;
}
export interface EnumParameter {
  type: 'enum';
  title?: ParamTitle;
  description?: ParamDescription;
  raw?: ParamRaw;
  default?: string;
  /**
   * @minItems 1
   */
  choices: string[];
}
export interface BooleanParameter {
  type: 'boolean';
  title?: ParamTitle;
  description?: ParamDescription;
  raw?: ParamRaw;
  default?: boolean;
}
/**
 * kind custom: how the cluster controls start the set's head and workers, and what a client of the set is told. Commands are argv lists; {name} stands for a value the job sets at run time (python, setDir, host, ip, threads, memory).
 */
export interface SetCommands {
  /**
   * What the head is called in messages: "Spark master".
   */
  headLabel: string;
  /**
   * @minItems 1
   */
  head: string[];
  /**
   * @minItems 1
   */
  worker: string[];
  workerNameOption?: string;
  /**
   * Relative to the set dir: exists once workers can join (the head writes it).
   */
  readyFile: string;
  /**
   * Relative to the set dir: a JSON object the head writes, with what a client connects with (its keys are what `show`, `webUIs`, `workers` and `snippet` refer to). It is in the set dir, readable by its owner only.
   */
  connectionFile: string;
  /**
   * Helper files the head job writes into the set dir before it starts anything (name → lines), e.g. a wrapper that starts the head and writes the connection file. Constant text: no parameter is substituted.
   */
  files?: {
    /**
     * @maxItems 2000
     */
    [k: string]: string[];
  };
  /**
   * Connection values the set's card shows, in this order: a label and a key of the connection file. Never a secret.
   *
   * @maxItems 16
   */
  show?: SetShownField[];
  /**
   * Web pages of the set (http URLs in the connection file): the card links them through the Jupyter server's proxy, which forwards only to the user's own running sets.
   *
   * @maxItems 8
   */
  webUIs?: SetWebUI[];
  workers?: SetWorkersProbe;
  /**
   * Python lines that "Use in notebook" inserts: {{key}} stands for the connection file's value under key, as a Python literal.
   *
   * @maxItems 200
   */
  snippet?: string[];
}
export interface SetShownField {
  label: string;
  key: string;
}
export interface SetWebUI {
  label: string;
  key: string;
}
/**
 * How the set counts its workers: the head's HTTP JSON (GET <URL under key><path>), a list of workers in it, each named by a field; with `where`, only the entries whose fields have these values. Without it the card shows no connected count.
 */
export interface SetWorkersProbe {
  key: string;
  path: string;
  list: string;
  name: string;
  where?: {
    [k: string]: string | number | boolean;
  };
}
