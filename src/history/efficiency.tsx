/**
 * A job's efficiency as a small inline chart: one bar per resource, the share of what the job
 * asked for that it used, with the numbers in words beside it. Plain SVG, props only.
 */
import * as React from 'react';

import { WASTE_THRESHOLD } from '../../protocol/history';

const WIDTH = 120;
const HEIGHT = 10;

export interface IEfficiencyBarProps {
  /** `cpu` or `memory`: the bar's `data-resource`. */
  resource: string;
  label: string;
  /**
   * Used ÷ asked, 0…1 (more is drawn full); null when Slurm did not record it. Marked low
   * (`jp-mod-low`) below protocol/history.ts's WASTE_THRESHOLD, where the hint speaks.
   */
  share: number | null;
  /** "1.2 of 4 CPUs busy", "peaked at 300 MB of 4 GB". */
  detail: string;
}

export function EfficiencyBar(props: IEfficiencyBarProps): JSX.Element {
  const { share } = props;
  const percent = share === null ? null : Math.round(share * 100);
  const filled = share === null ? 0 : Math.max(0, Math.min(1, share)) * WIDTH;
  const low = share !== null && share < WASTE_THRESHOLD;
  return (
    <div
      className={`jp-Hpc-efficiency${low ? ' jp-mod-low' : ''}`}
      data-resource={props.resource}
      data-percent={percent ?? ''}
    >
      <span className="jp-Hpc-efficiencyLabel">{props.label}</span>
      <svg
        className="jp-Hpc-efficiencyBar"
        width={WIDTH}
        height={HEIGHT}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={percent === null ? props.label : `${props.label}: ${percent}%`}
      >
        <rect className="jp-Hpc-efficiencyTrack" x={0} y={0} width={WIDTH} height={HEIGHT} rx={2} />
        <rect className="jp-Hpc-efficiencyFill" x={0} y={0} width={filled} height={HEIGHT} rx={2} />
      </svg>
      <span className="jp-Hpc-efficiencyPercent">{percent === null ? '–' : `${percent}%`}</span>
      <span className="jp-Hpc-efficiencyDetail">{props.detail}</span>
    </div>
  );
}
