export { type ClbProxy, type ClbProxyOptions, type ClbProxyStats, startClbProxy } from './proxy.js';
