import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { FieldError, FieldErrors, TemplateRequestError } from './errors';
import { MAX_TEMPLATE_BYTES, parseTemplateFile, validateTemplate } from './load';
import { Template, TemplateData, TemplateSource } from './types';

export interface TemplateStoreOptions {
  /** The centre's directories (c.HpcConfig.template_dirs), read-only for users. */
  centreDirs: readonly string[];
  /** The user's own templates (`<data dir>/templates`); absent: personal templates are off. */
  personalDir?: string;
}

export interface TemplateList {
  templates: Template[];
  /** Files that could not be loaded; every other template still is. */
  errors: FieldError[];
}

export interface TemplateStore {
  list(): Promise<TemplateList>;
  /** The template `id` of `source`; without a source the personal one wins, as user clusters do. */
  find(id: string, source?: TemplateSource): Promise<Template>;
  /** Creates or replaces a personal template. */
  savePersonal(id: string, data: unknown): Promise<Template>;
  deletePersonal(id: string): Promise<void>;
  /**
   * Copies a template into a new personal one. Parameters marked `raw` become quoted ones (raw
   * is for centre templates only): the returned warnings say which.
   */
  duplicate(
    from: { source: TemplateSource; id: string },
    id: string,
    title?: string
  ): Promise<{ template: Template; warnings: string[] }>;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** Fields of a listed template that are not part of its file: a listed template can be saved back. */
const LISTING_FIELDS = ['source', 'editable', 'file'];

/** Templates are read from disk on every call: an admin's edit shows at once, and there are few. */
export function createTemplateStore(options: TemplateStoreOptions): TemplateStore {
  async function list(): Promise<TemplateList> {
    const templates: Template[] = [];
    const errors: FieldError[] = [];
    const byId = new Map<string, string>();
    for (const dir of options.centreDirs) {
      for (const loaded of await loadDir(dir, 'centre', true)) {
        if ('errors' in loaded) {
          errors.push(...loaded.errors);
        } else if (byId.has(loaded.template.id)) {
          errors.push({
            file: loaded.template.file,
            field: '/id',
            message: `"${loaded.template.id}" is already the id of ${byId.get(loaded.template.id)}`
          });
        } else {
          byId.set(loaded.template.id, loaded.template.file);
          templates.push(loaded.template);
        }
      }
    }
    if (options.personalDir) {
      for (const loaded of await loadDir(options.personalDir, 'personal', false)) {
        if ('errors' in loaded) {
          errors.push(...loaded.errors);
        } else {
          templates.push(loaded.template);
        }
      }
    }
    return { templates, errors };
  }

  async function find(id: string, source?: TemplateSource): Promise<Template> {
    const { templates } = await list();
    const matches = templates.filter(t => t.id === id && (!source || t.source === source));
    const found = matches.find(t => t.source === 'personal') ?? matches[0];
    if (!found) {
      const which = source ? `${source} template` : 'template';
      throw new TemplateRequestError(`no ${which} with id ${JSON.stringify(id)}`, 404);
    }
    return found;
  }

  function personalFile(id: string): string {
    if (!options.personalDir) {
      throw new TemplateRequestError(
        'personal templates are off: the companion was started without a data directory (--data-dir)',
        409
      );
    }
    if (!ID.test(id)) {
      throw new FieldErrors([{ field: '/id', message: `${JSON.stringify(id)} is not a valid template id` }]);
    }
    return join(options.personalDir, `${id}.json`);
  }

  async function savePersonal(id: string, data: unknown): Promise<Template> {
    const file = personalFile(id);
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new FieldErrors([{ field: '', message: 'a template must be a JSON object' }]);
    }
    const fields = fileFields(data);
    if (fields.id !== undefined && fields.id !== id) {
      throw new FieldErrors([{ field: '/id', message: `must be ${JSON.stringify(id)}, the id in the URL` }]);
    }
    const template = validateTemplate({ ...fields, id }, 'personal');
    await writeAtomically(file, JSON.stringify(template, null, 2) + '\n');
    return { ...template, source: 'personal', editable: true, file };
  }

  async function deletePersonal(id: string): Promise<void> {
    const file = personalFile(id);
    try {
      await rm(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new TemplateRequestError(`no personal template with id ${JSON.stringify(id)}`, 404);
      }
      throw e;
    }
  }

  async function duplicate(
    from: { source: TemplateSource; id: string },
    id: string,
    title?: string
  ): Promise<{ template: Template; warnings: string[] }> {
    const original = await find(from.id, from.source);
    const data = structuredClone(fileFields(original)) as unknown as TemplateData;
    const warnings: string[] = [];
    for (const [name, p] of Object.entries(data.parameters)) {
      if (p.raw) {
        delete p.raw;
        warnings.push(`parameter "${name}" was raw in the centre template; its value is now shell-quoted`);
      }
    }
    const template = await savePersonal(id, { ...data, id, title: title ?? data.title });
    return { template, warnings };
  }

  return { list, find, savePersonal, deletePersonal, duplicate };
}

type Loaded = { template: Template } | { errors: FieldError[] };

async function loadDir(dir: string, source: TemplateSource, mustExist: boolean): Promise<Loaded[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter(n => n.endsWith('.json')).sort();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (!mustExist && code === 'ENOENT') {
      return [];
    }
    return [{ errors: [{ file: dir, field: '', message: `cannot read the template directory: ${code ?? e}` }] }];
  }
  return Promise.all(names.map(name => loadFile(join(dir, name), source)));
}

async function loadFile(file: string, source: TemplateSource): Promise<Loaded> {
  try {
    const info = await stat(file);
    if (!info.isFile()) {
      return { errors: [{ file, field: '', message: 'is not a file' }] };
    }
    if (info.size > MAX_TEMPLATE_BYTES) {
      return {
        errors: [{ file, field: '', message: `is ${info.size} bytes; a template has at most ${MAX_TEMPLATE_BYTES}` }]
      };
    }
    const handle = await open(file, 'r');
    const text = await handle.readFile('utf8').finally(() => handle.close());
    const data = parseTemplateFile(text, file, source);
    if (source === 'personal' && data.id !== basename(file, '.json')) {
      return { errors: [{ file, field: '/id', message: `must be "${basename(file, '.json')}", the file's name` }] };
    }
    return { template: { ...data, source, editable: source === 'personal', file } };
  } catch (e) {
    if (e instanceof FieldErrors) {
      return { errors: e.errors };
    }
    return { errors: [{ file, field: '', message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? e}` }] };
  }
}

/** A template without the fields that only its listing has. */
function fileFields(listed: object): Record<string, unknown> {
  const fields: Record<string, unknown> = { ...listed };
  for (const f of LISTING_FIELDS) {
    delete fields[f];
  }
  return fields;
}

/** Readers never see half a file: write a private temporary file, then rename it over. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
