import Ajv, { JTDDataType } from 'ajv/dist/jtd';

/**
 * What a browser may send on the live channel (ws.ts). Anything else closes that connection
 * with a reason: a frame is data from the network, never trusted to have a shape.
 */
const clientMessageSchema = {
  discriminator: 'type',
  mapping: {
    subscribe: { properties: { cluster: { type: 'string' } }, optionalProperties: { all: { type: 'boolean' } } },
    unsubscribe: { properties: { cluster: { type: 'string' } } },
    notifications: { properties: { enabled: { type: 'boolean' } } }
  }
} as const;

export type ClientMessage = JTDDataType<typeof clientMessageSchema>;

/** The longest frame a browser has any reason to send (cluster names are short). */
export const MAX_CLIENT_FRAME_BYTES = 64 * 1024;

/** WebSocket close code 1008: the message violates the policy of the endpoint. */
export const CLOSE_POLICY = 1008;

const ajv = new Ajv();
const parseMessage = ajv.compileParser<ClientMessage>(clientMessageSchema);

/** The message, or why it is refused (in words short enough for a close frame's 123 bytes). */
export function readClientMessage(raw: string): { message: ClientMessage } | { refused: string } {
  const message = parseMessage(raw);
  if (message === undefined) {
    const where = parseMessage.position === undefined ? '' : ` at ${parseMessage.position}`;
    return {
      refused: `invalid message${where}: ${String(parseMessage.message ?? 'not a known message')}`.slice(0, 120)
    };
  }
  return { message };
}
