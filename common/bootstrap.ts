/**
 * Imported first by every entry point, before any Apollo module loads.
 *
 * @apollo/gateway otherwise probes cloud metadata addresses and schedules usage reports to
 * Apollo at start-up; a safe-haven service opens no connection beyond its configured peers.
 */
process.env.APOLLO_TELEMETRY_DISABLED = 'true';

// type-graphql and TypeORM read decorator metadata through this polyfill.
import 'reflect-metadata';
