import { MIST_PATHS } from '../protocols/mist';
import { arkSimulator } from './arkSimulator';
import { backendImSimulator } from './backendImSimulator';
import type { DevServerRoute } from './devServer';
import { hexabaseSimulator } from './hexabaseSimulator';
import { mistSimulator } from './mistSimulator';
import { nexusAuthorize, nexusSimulator } from './nexusSimulator';

/** Every simulator on one server: a path per protocol (and per Mist endpoint), each its document's path under a prefix. */
export const devRoutes = (): DevServerRoute[] => [
  { path: '/backendim/ws', simulator: backendImSimulator },
  { path: '/hexabase/ws', simulator: hexabaseSimulator },
  { path: '/nexus/ws', simulator: nexusSimulator, authorize: nexusAuthorize },
  { path: '/ark/ws', simulator: arkSimulator },
  ...Object.values(MIST_PATHS).map((path) => ({ path: `/mist${path}`, simulator: mistSimulator })),
];
