export type {
  Envelope, ConnectionState, ConnectionInfo, SubscriptionState, SubscriptionStatus, ResetInfo, RealtimeError,
  PresenceMember, PresenceSignal,
  SubscribeOptions, ChannelHandlers, Subscription, ClientEvents, Realtime, TransportName, PublishOptions, PublishAck,
} from './types.js';
export { PublishError } from './types.js';
export { newIdempotencyKey } from './publish.js';
export { BaseClient, DEFAULTS } from './client.js';
export type { ClientOptions } from './client.js';
export { SseClient } from './sse.js';
export { SseParser } from './sse-parser.js';
export type { SseMessage } from './sse-parser.js';
export { WebSocketClient } from './ws.js';
export { SharedRealtime } from './shared.js';
export type { SharedOptions } from './shared.js';
export { connect, ClientRegistry, pageClients } from './connect.js';
export type { ConnectOptions } from './connect.js';
export { backoffDelay } from './backoff.js';
export { compareIds, isEventId, isLocalId, isNewEvent, isChannelName } from './ids.js';
export { defaultEnvironment } from './environment.js';
export type { Environment, WebSocketLike, WebSocketFactory } from './environment.js';
export * from './api.js';
export * from './streams.js';
export { ChannelView, retryInSeconds, describeConnection } from './view.js';
export type { ViewState, ViewSettings } from './view.js';
export { RouteStream, TERMINAL_TYPES } from './route.js';
export type { RouteRequest, RouteStreamOptions } from './route.js';
export { councilScoreRequest, evaluateCreativeRequest, councilReplayRequest, evaluationIdOf } from './council.js';
export type { CreativeInput } from './council.js';
export { PresenceView } from './presence.js';
export type { PresenceState, PresenceViewOptions } from './presence.js';
