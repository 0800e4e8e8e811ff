// Every test process: no Apollo telemetry, decorator metadata loaded, quiet logs.
import '../common/bootstrap';

process.env.LOG_LEVEL ??= 'silent';
