// Notifications, the pure half: the input's `notify` section, the event types and the message text.
// The side-effect half (resolving targets, formatting, sending) is activities/notify/.
export * from './message.js';
export * from './schema.js';
