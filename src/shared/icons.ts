import { LabIcon } from '@jupyterlab/ui-components';

import serverRackSvgstr from '../../style/icons/server-rack.svg';

/**
 * The HPC sidebar's icon: a server rack, themed through `jp-icon3`.
 */
export const hpcIcon = new LabIcon({
  name: 'jupyterlab-hpc:server-rack',
  svgstr: serverRackSvgstr
});
