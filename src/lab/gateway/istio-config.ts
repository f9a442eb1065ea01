// The parts of Istio's Gateway and VirtualService that the lab's gateways route by, read leniently from
// objects as the API server returns them. An object that does not parse is left out, as istiod leaves
// out config it cannot use. Only `uri` is read from an HTTP match.
import { z } from 'zod';

const metadata = z.object({
  name: z.string(),
  namespace: z.string().default('default'),
  creationTimestamp: z.string().optional(),
});

const gatewaySchema = z.object({
  metadata,
  spec: z.object({
    selector: z.record(z.string(), z.string()).default({}),
    servers: z.array(z.object({ hosts: z.array(z.string()).default([]) })).default([]),
  }),
});

const stringMatch = z.object({
  exact: z.string().optional(),
  prefix: z.string().optional(),
  regex: z.string().optional(),
});

const virtualServiceSchema = z.object({
  metadata,
  spec: z.object({
    hosts: z.array(z.string()).default([]),
    gateways: z.array(z.string()).default([]),
    http: z
      .array(
        z.object({
          match: z.array(z.object({ uri: stringMatch.optional() })).default([]),
          route: z.array(z.object({ destination: z.object({ host: z.string() }) })).default([]),
        }),
      )
      .default([]),
  }),
});

export type GatewayConfig = z.infer<typeof gatewaySchema>;
export type VirtualServiceConfig = z.infer<typeof virtualServiceSchema>;
export type UriMatch = z.infer<typeof stringMatch>;

function parseAll<T>(schema: z.ZodType<T>, objects: readonly unknown[]): T[] {
  return objects.flatMap((object) => {
    const parsed = schema.safeParse(object);
    return parsed.success ? [parsed.data] : [];
  });
}

export const parseGateways = (objects: readonly unknown[]) => parseAll(gatewaySchema, objects);
export const parseVirtualServices = (objects: readonly unknown[]) => parseAll(virtualServiceSchema, objects);
