/**
 * The Python a set runs on the cluster, as text: real files in `py/`
 * (linted by ruff, typed by mypy, tested by pytest), bundled into the
 * companion (webpack `asset/source`; jest's transform in
 * test/helpers/py-transform.js) and written into the set dir by the job
 * script (script.ts) with quoted here-documents.
 */
import DASK_PRELOAD_SOURCE from './py/dask_preload.py';
import MONITOR_SOURCE from './py/monitor.py';

/** The monitor beside the head: status.json and the companion's requests (py/monitor.py). */
export const MONITOR_PY: string = MONITOR_SOURCE;
/** The here-document marker of monitor.py: no line of it may equal this. */
export const MONITOR_EOF = 'HPC_MONITOR_PY_EOF';

/** The Dask preload of scheduler and workers: dashboard after start-up, no proxy route, workers route. */
export const DASK_PRELOAD_PY: string = DASK_PRELOAD_SOURCE;
export const DASK_PRELOAD_FILE = 'dask_preload.py';
/** The preload's route the monitor asks (WORKERS_ROUTE in py/dask_preload.py, DASK_WORKERS_ROUTE in py/monitor.py). */
export const DASK_WORKERS_ROUTE = '/jupyterlab-hpc/workers.json';
