import type { ServiceContext } from '../../common/service';
import type { ImagingLoaders } from './loaders';

export interface ImagingContext extends ServiceContext {
  loaders: ImagingLoaders;
}
