import type { TranslationBundle } from '@jupyterlab/translation';
import { VDomRenderer } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { IHpcClusters } from '../tokens';
import { ClustersView } from './components';

/**
 * The sidebar's Clusters section. A `VDomRenderer` re-renders on every
 * `stateChanged` of the model; the view itself is props-only.
 */
export class ClustersSection extends VDomRenderer<IHpcClusters> {
  /**
   * @param openJobs - Opens "HPC Jobs" on a cluster; absent when nothing can.
   */
  constructor(model: IHpcClusters, trans: TranslationBundle, openJobs?: (cluster: string) => void) {
    super(model);
    this._trans = trans;
    this._openJobs = openJobs;
    this.id = 'jp-hpc-clusters';
    this.addClass('jp-Hpc-clustersSection');
    this.title.label = trans.__('Clusters');
  }

  protected render(): JSX.Element {
    const model = this.model;
    return (
      <ClustersView
        clusters={model.clusters}
        loaded={model.loaded}
        refreshing={model.refreshing}
        error={model.error}
        stale={model.stale}
        lastUpdated={model.lastUpdated}
        configError={model.configError}
        trans={this._trans}
        onOpenJobs={this._openJobs}
      />
    );
  }

  private _openJobs?: (cluster: string) => void;
  private _trans: TranslationBundle;
}
