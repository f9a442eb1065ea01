export type { GatewayFaults } from './faults.js';
export {
  type GatewayIdentity,
  type GatewayPod,
  type GatewayPodOptions,
  METRICS_PATH,
  READINESS_PATH,
  SERVED_BY_HEADER,
  startGatewayPod,
} from './pod.js';
export { type Route, RouteTable } from './routes.js';
export { watchRoutes } from './watch-routes.js';
