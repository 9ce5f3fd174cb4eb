import { LabIcon } from '@jupyterlab/ui-components';

/**
 * A server rack, themed through `jp-icon3`. Inline: the labextension is built from the
 * compiled lib/src, where a relative path to style/ would not resolve.
 */
const SERVER_RACK_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="#616161" fill-rule="evenodd">
    <path d="M4 3h16a1 1 0 0 1 1 1v3a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1zM6.5 4.5a1 1 0 1 0 0 2a1 1 0 1 0 0-2zM9.5 4.5a1 1 0 1 0 0 2a1 1 0 1 0 0-2zM13 5h5v1h-5z"/>
    <path d="M4 9.5h16a1 1 0 0 1 1 1v3a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1v-3a1 1 0 0 1 1-1zM6.5 11a1 1 0 1 0 0 2a1 1 0 1 0 0-2zM9.5 11a1 1 0 1 0 0 2a1 1 0 1 0 0-2zM13 11.5h5v1h-5z"/>
    <path d="M4 16h16a1 1 0 0 1 1 1v3a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1v-3a1 1 0 0 1 1-1zM6.5 17.5a1 1 0 1 0 0 2a1 1 0 1 0 0-2zM9.5 17.5a1 1 0 1 0 0 2a1 1 0 1 0 0-2zM13 18h5v1h-5z"/>
  </g>
</svg>`;

/**
 * The HPC sidebar's icon.
 */
export const hpcIcon = new LabIcon({
  name: 'jupyterlab-hpc:server-rack',
  svgstr: SERVER_RACK_SVG
});
