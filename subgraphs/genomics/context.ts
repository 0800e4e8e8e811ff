import type { ServiceContext } from '../../common/service';
import type { GenomicsLoaders } from './loaders';

export interface GenomicsContext extends ServiceContext {
  loaders: GenomicsLoaders;
}
