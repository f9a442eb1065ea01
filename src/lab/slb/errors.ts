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

/** DeleteVServerGroup of a group a listener forwards to (the SLB API reference's code and message). */
export const rspoolVipExist = () =>
  new OpenApiError(400, 'RspoolVipExist', 'there are vips associating with this vServer group.');

/** (code unconfirmed) */
export const listenerNotFound = () =>
  new OpenApiError(400, 'InvalidParameter', 'The specified listener does not exist.');
