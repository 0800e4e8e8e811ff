import type { ServiceContext } from '../../common/service';
import type { EhrLoaders } from './loaders';

export interface EhrContext extends ServiceContext {
  loaders: EhrLoaders;
}
