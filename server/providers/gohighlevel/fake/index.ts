export * from './server';
export { createWebhookSigner, type WebhookSigner } from './webhook-signer';
export { generateContacts } from './data';
export { memorySyncContext, virtualClock } from './memory-context';
