// The documented shapes of the SLB API's answers, checked and turned into the client's models. Lists
// come wrapped (`Tags.Tag[]`); an empty list may be missing altogether.
import { z } from 'zod';
import type {
  ClbBackend,
  ClbBackendHealth,
  ClbListener,
  ClbListenerScheduling,
  ClbLoadBalancer,
  ClbTag,
  ClbVServerGroup,
  ClbVServerGroupBackends,
} from './models.js';

const int = z.coerce.number().int();
const text = z.string().optional();
/** `""` and absent mean the same in these answers. */
const optionalText = (value: string | undefined) => (value ? value : undefined);

const listenerSchema = z.object({ ListenerPort: int, ListenerProtocol: z.string(), Description: text });
const legacyListenerSchema = z.object({ ListenerPort: int, ListenerProtocal: z.string() });

export const loadBalancerAttributeSchema = z
  .object({
    LoadBalancerId: z.string(),
    LoadBalancerName: z.string().default(''),
    LoadBalancerStatus: z.string(),
    Address: z.string(),
    AddressType: z.string(),
    DeleteProtection: text,
    ModificationProtectionStatus: text,
    ModificationProtectionReason: text,
    ListenerPortsAndProtocol: z.object({ ListenerPortAndProtocol: z.array(listenerSchema).default([]) }).optional(),
    ListenerPortsAndProtocal: z
      .object({ ListenerPortAndProtocal: z.array(legacyListenerSchema).default([]) })
      .optional(),
  })
  .transform((body): ClbLoadBalancer => {
    const current = body.ListenerPortsAndProtocol?.ListenerPortAndProtocol ?? [];
    const legacy = body.ListenerPortsAndProtocal?.ListenerPortAndProtocal ?? [];
    const listeners: ClbListener[] =
      current.length > 0
        ? current.map((l) => ({
            port: l.ListenerPort,
            protocol: l.ListenerProtocol,
            description: optionalText(l.Description),
          }))
        : legacy.map((l) => ({ port: l.ListenerPort, protocol: l.ListenerProtocal }));
    return {
      id: body.LoadBalancerId,
      name: body.LoadBalancerName,
      status: body.LoadBalancerStatus,
      address: body.Address,
      addressType: body.AddressType,
      listeners,
      modificationProtection: {
        enabled: body.ModificationProtectionStatus === 'ConsoleProtection',
        reason: optionalText(body.ModificationProtectionReason),
      },
      deleteProtection: body.DeleteProtection === 'on',
    };
  });

export const tagResourcesSchema = z
  .object({
    NextToken: text,
    TagResources: z
      .object({ TagResource: z.array(z.object({ TagKey: z.string(), TagValue: z.string().default('') })).default([]) })
      .optional(),
  })
  .transform((body): { tags: ClbTag[]; nextToken?: string } => ({
    tags: (body.TagResources?.TagResource ?? []).map((tag) => ({ key: tag.TagKey, value: tag.TagValue })),
    nextToken: optionalText(body.NextToken),
  }));

const vServerGroupSchema = z.object({
  VServerGroupId: z.string(),
  VServerGroupName: z.string().default(''),
  ServerCount: int.optional(),
  AssociatedObjects: z
    .object({
      Listeners: z.object({ Listener: z.array(z.object({ Port: int, Protocol: z.string() })).default([]) }).optional(),
    })
    .optional(),
});

export const vServerGroupsSchema = z
  .object({ VServerGroups: z.object({ VServerGroup: z.array(vServerGroupSchema).default([]) }).optional() })
  .transform((body): ClbVServerGroup[] =>
    (body.VServerGroups?.VServerGroup ?? []).map((group) => ({
      id: group.VServerGroupId,
      name: group.VServerGroupName,
      serverCount: group.ServerCount ?? 0,
      listeners: (group.AssociatedObjects?.Listeners?.Listener ?? []).map((l) => ({
        port: l.Port,
        protocol: l.Protocol,
      })),
    })),
  );

const backendSchema = z
  .object({
    ServerId: z.string(),
    ServerIp: text,
    Port: int,
    Weight: int,
    Type: z.string().default('ecs'),
    Description: text,
  })
  .transform(
    (backend): ClbBackend => ({
      serverId: backend.ServerId,
      serverIp: optionalText(backend.ServerIp),
      port: backend.Port,
      weight: backend.Weight,
      type: backend.Type,
      description: optionalText(backend.Description),
    }),
  );

export const vServerGroupAttributeSchema = z
  .object({
    VServerGroupId: z.string(),
    VServerGroupName: z.string().default(''),
    LoadBalancerId: z.string(),
    BackendServers: z.object({ BackendServer: z.array(backendSchema).default([]) }).optional(),
  })
  .transform(
    (body): ClbVServerGroupBackends => ({
      id: body.VServerGroupId,
      name: body.VServerGroupName,
      loadBalancerId: body.LoadBalancerId,
      backends: body.BackendServers?.BackendServer ?? [],
    }),
  );

const healthSchema = z.object({
  ServerId: z.string(),
  ServerIp: text,
  Port: int,
  ListenerPort: int,
  Protocol: z.string(),
  ServerHealthStatus: z.enum(['normal', 'abnormal', 'unavailable']),
});

export const healthStatusSchema = z
  .object({ BackendServers: z.object({ BackendServer: z.array(healthSchema).default([]) }).optional() })
  .transform((body): ClbBackendHealth[] =>
    (body.BackendServers?.BackendServer ?? []).map((row) => ({
      serverId: row.ServerId,
      serverIp: optionalText(row.ServerIp),
      port: row.Port,
      listenerPort: row.ListenerPort,
      protocol: row.Protocol,
      status: row.ServerHealthStatus,
    })),
  );

/** For actions whose answer carries nothing but the RequestId. */
export const acknowledgementSchema = z.object({ RequestId: z.string() }).transform(() => undefined);

export const loadBalancerListenersSchema = z
  .object({
    Listeners: z
      .array(
        z.object({
          ListenerPort: int,
          ListenerProtocol: z.string(),
          Scheduler: z.string(),
          VServerGroupId: text,
        }),
      )
      .default([]),
    NextToken: text,
  })
  .transform((body) => ({
    listeners: body.Listeners.map(
      (l): ClbListenerScheduling => ({
        port: l.ListenerPort,
        protocol: l.ListenerProtocol,
        scheduler: l.Scheduler,
        vServerGroupId: optionalText(l.VServerGroupId),
      }),
    ),
    nextToken: optionalText(body.NextToken),
  }));
