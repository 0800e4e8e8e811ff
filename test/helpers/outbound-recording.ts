import { recordOutbound } from './outbound-recorder';

/**
 * Recording that starts when this module is loaded: import it before anything else in a
 * test file, so that connections made while the other modules load are seen too.
 */
export const outbound = recordOutbound();
