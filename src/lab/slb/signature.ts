// The signer moved to the shared ../openapi/ with the SLB and ASM emulators; the SLB signature test imports it here.
export { signatureOf } from '../openapi/signature.js';
