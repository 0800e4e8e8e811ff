import '../../common/bootstrap';

import { runService } from '../../cli/run-service';

runService('genomics');
