// The errors only the emulated SLB API answers with; the common ones are in ../openapi/errors.ts.
import { OpenApiError } from '../openapi/errors.js';

export const loadBalancerNotFound = () =>
  new OpenApiError(404, 'InvalidLoadBalancerId.NotFound', 'LoadBalancerId does not exist.');

export const vServerGroupNotFound = () =>
  new OpenApiError(400, 'InvalidParameter', 'The specified VServerGroupId does not exist.');

export const resourceNotFound = (id: string) =>
  new OpenApiError(404, 'InvalidResourceId.NotFound', `The specified resource ${id} does not exist.`);

export const backendNotFound = () =>
  new OpenApiError(400, 'InvalidParameter', 'The specified backend server does not exist in the VServerGroup.');
