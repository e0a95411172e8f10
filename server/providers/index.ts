import { HandlerRegistry } from './registry';

/** The provider handlers this server ships with, by template name (filled in by server/providers/<name>/). */
export function builtInHandlers(): HandlerRegistry {
  return new HandlerRegistry();
}
