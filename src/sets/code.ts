/**
 * The code of a notebook cell that defines a client of a set: "Use in
 * notebook" when the kernel comm cannot do it. Pure (types only), so the
 * integration tests run what it writes against real sets.
 */
import type { ISetRecord, SetConnection } from './api';

/**
 * A Python string literal of any text: JSON's string syntax is Python's
 * (quotes, backslash escapes, `\uXXXX`).
 */
function pyString(text: string): string {
  return JSON.stringify(text);
}

/**
 * Code that defines a client of the set, for a notebook cell (when the
 * kernel comm cannot do it).
 */
export function connectionCode(record: ISetRecord, connection: SetConnection): string {
  const header = `# ${record.name}: ${kindLabelPlain(record.kind)} set ${record.id} on ${record.cluster}`;
  switch (connection.kind) {
    case 'dask':
      return [
        header,
        'from distributed import Client',
        ...daskSecurity(connection),
        '',
        `client = Client(${pyString(connection.address)}${connection.tls ? ', security=security' : ''})`,
        'client'
      ].join('\n');
    case 'ipyparallel':
      return [
        header,
        ...(connection.local
          ? ['import ipyparallel as ipp', '', `rc = ipp.Client(${pyString(connection.path)})`]
          : [
              "# holds the set's key: do not share this notebook while the set runs",
              'import json',
              'import ipyparallel as ipp',
              '',
              `rc = ipp.Client(json.loads(${pyString(JSON.stringify(connection.clientFile))}))`
            ]),
        'rc'
      ].join('\n');
    case 'custom':
      // what the set's template declares, with the connection's values in it (the companion fills them in)
      return connection.code !== undefined
        ? [header, connection.code].join('\n')
        : [
            header,
            'import json',
            '',
            `connection = json.loads(${pyString(JSON.stringify(connection.connection))})`
          ].join('\n');
  }
}

/**
 * The set's certificate for a Dask client: by path where the kernel can open
 * the set's files (a local cluster), else the contents (the cell then holds a
 * key, like an IPyParallel client file).
 */
function daskSecurity(connection: Extract<SetConnection, { kind: 'dask' }>): string[] {
  const tls = connection.tlsFiles ?? connection.tls;
  if (!tls) {
    return [];
  }
  return [
    'from distributed.security import Security',
    ...(connection.tlsFiles ? [] : ["# holds the set's key: do not share this notebook while the set runs"]),
    'security = Security(',
    '    require_encryption=True,',
    `    tls_ca_file=${pyString(tls.ca)},`,
    `    tls_client_cert=${pyString(tls.cert)},`,
    `    tls_client_key=${pyString(tls.key)},`,
    ')'
  ];
}

function kindLabelPlain(kind: ISetRecord['kind']): string {
  return kind === 'dask' ? 'Dask' : kind === 'ipyparallel' ? 'IPyParallel' : 'custom';
}
