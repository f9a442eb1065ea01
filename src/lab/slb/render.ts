// The emulated state as the SLB API's JSON spells it (PascalCase, lists wrapped in a singular key).
import type { Backend, LoadBalancer, VServerGroup } from './state.js';

/** `2024-05-01T08:30Z`: the API's CreateTime has minute precision. */
export const createTime = (date: Date) => date.toISOString().replace(/:\d{2}\.\d{3}Z$/, 'Z');

function tagList(tags: Map<string, string>) {
  return { Tag: [...tags].map(([TagKey, TagValue]) => ({ TagKey, TagValue })) };
}

function backendServer(backend: Backend) {
  return {
    ServerId: backend.serverId,
    Port: backend.port,
    Weight: backend.weight,
    Type: backend.type,
    ...(backend.serverIp !== undefined && { ServerIp: backend.serverIp }),
    ...(backend.description && { Description: backend.description }),
  };
}

export function backendList(group: VServerGroup) {
  return { BackendServer: group.backends.map(backendServer) };
}

export function loadBalancerSummary(lb: LoadBalancer) {
  return {
    LoadBalancerId: lb.id,
    LoadBalancerName: lb.name,
    LoadBalancerStatus: lb.status,
    Address: lb.address,
    AddressType: lb.addressType,
    AddressIPVersion: 'ipv4',
    RegionId: lb.regionId,
    RegionIdAlias: lb.regionId,
    NetworkType: 'vpc',
    VpcId: lb.vpcId,
    VSwitchId: lb.vSwitchId,
    PayType: 'PayOnDemand',
    InternetChargeType: 'paybytraffic',
    LoadBalancerSpec: 'slb.s1.small',
    CreateTime: createTime(lb.createdAt),
    CreateTimeStamp: lb.createdAt.getTime(),
    DeleteProtection: lb.deleteProtection,
    ModificationProtectionStatus: lb.modificationProtection.status,
    ModificationProtectionReason: lb.modificationProtection.reason ?? '',
    Tags: tagList(lb.tags),
  };
}
