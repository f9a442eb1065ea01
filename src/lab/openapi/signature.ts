// ACS3-HMAC-SHA256 request signatures, checked the way the real API gateway checks them: the
// canonical request is rebuilt from the decoded parameters and the signed headers, so a request that
// an SDK encoded differently but signed correctly still passes, and any tampering fails.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { OpenApiError } from './errors.js';

const ALGORITHM = 'ACS3-HMAC-SHA256';
const WINDOW_MS = 15 * 60_000;
const REQUIRED_HEADERS = ['host', 'x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce'];

export interface SignedRequest {
  method: string;
  /** The path as sent, still percent-encoded. */
  pathname: string;
  /** Decoded query parameters. */
  query: Record<string, string>;
  /** Lower-case names; a repeated header keeps each value (node's `headersDistinct`). */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Nonces seen inside the timestamp window; older ones cannot be replayed anyway. */
export class NonceCache {
  private readonly seen = new Map<string, number>();

  /** false when the nonce was already used. */
  use(nonce: string, now: number): boolean {
    for (const [old, at] of this.seen) {
      if (now - at <= WINDOW_MS) break;
      this.seen.delete(old);
    }
    if (this.seen.has(nonce)) return false;
    this.seen.set(nonce, now);
    return true;
  }
}

/** encodeURIComponent plus the characters RFC 3986 reserves that it leaves alone. */
function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalQuery(query: Record<string, string>): string {
  return Object.keys(query)
    .sort()
    .map((key) => `${key}=${percentEncode(query[key] ?? '')}`)
    .join('&');
}

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** A header as the signer reads it: repeated values trimmed, sorted and joined by commas. */
function header(headers: SignedRequest['headers'], name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value : [value])
    .map((item) => item.trim())
    .sort()
    .join(',');
}

function parseAuthorization(value: string | undefined) {
  const match = /^(\S+) Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]+)$/.exec(value ?? '');
  if (!match || match[1] !== ALGORITHM)
    throw new OpenApiError(400, 'IncompleteSignature', 'The request signature does not conform to Aliyun standards.');
  const [, , accessKeyId = '', signedHeaders = '', signature = ''] = match;
  return { accessKeyId, signedHeaders: signedHeaders.split(';'), signature };
}

function checkTimestamp(date: string | undefined, now: number): void {
  const at = date && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(date) ? Date.parse(date) : Number.NaN;
  if (Number.isNaN(at))
    throw new OpenApiError(400, 'InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.');
  if (Math.abs(now - at) > WINDOW_MS)
    throw new OpenApiError(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
}

/** Hex HMAC-SHA256 of the string to sign, built from the canonical request. */
export function signatureOf(
  request: Omit<SignedRequest, 'body'>,
  signedHeaders: string[],
  payloadHash: string,
  secret: string,
): { signature: string; stringToSign: string } {
  const canonicalUri = request.pathname.replace(/\+/g, '%20').replace(/\*/g, '%2A').replace(/%7E/g, '~');
  const canonicalRequest = [
    request.method,
    canonicalUri,
    canonicalQuery(request.query),
    signedHeaders.map((name) => `${name}:${header(request.headers, name) ?? ''}\n`).join(''),
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const stringToSign = `${ALGORITHM}\n${sha256Hex(canonicalRequest)}`;
  return { signature: createHmac('sha256', secret).update(stringToSign).digest('hex'), stringToSign };
}

/** Returns the caller's AccessKey id, or throws the error the real service answers with. */
export function verifySignature(
  request: SignedRequest,
  secretOf: (accessKeyId: string) => string | undefined,
  nonces: NonceCache,
  now = Date.now(),
): string {
  const auth = parseAuthorization(header(request.headers, 'authorization'));
  const missing = REQUIRED_HEADERS.filter(
    (name) => !auth.signedHeaders.includes(name) || !header(request.headers, name),
  );
  if (missing.length > 0)
    throw new OpenApiError(400, 'IncompleteSignature', `The request must sign the headers: ${missing.join(', ')}.`);
  const secret = secretOf(auth.accessKeyId);
  if (secret === undefined)
    throw new OpenApiError(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
  checkTimestamp(header(request.headers, 'x-acs-date'), now);
  const payloadHash = header(request.headers, 'x-acs-content-sha256') ?? '';
  if (payloadHash !== sha256Hex(request.body))
    throw new OpenApiError(400, 'SignatureDoesNotMatch', 'x-acs-content-sha256 does not match the request body.');
  const { signature, stringToSign } = signatureOf(request, auth.signedHeaders, payloadHash, secret);
  const expected = Buffer.from(signature, 'hex');
  const given = Buffer.from(auth.signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new OpenApiError(
      400,
      'SignatureDoesNotMatch',
      `Specified signature does not match our calculation. server string to sign is:${stringToSign}`,
    );
  if (!nonces.use(header(request.headers, 'x-acs-signature-nonce') ?? '', now))
    throw new OpenApiError(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
  return auth.accessKeyId;
}
