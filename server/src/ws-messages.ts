import Ajv from 'ajv/dist/jtd';
import { CLIENT_MESSAGE_SCHEMA, ClientMessage } from '../../protocol/queue';

export { CLOSE_POLICY, MAX_CLIENT_FRAME_BYTES } from '../../protocol/queue';

/**
 * What a browser may send on the live channel (ws.ts): CLIENT_MESSAGE_SCHEMA. Anything else closes
 * that connection with a reason: a frame is data from the network, never trusted to have a shape.
 */
const ajv = new Ajv();
const parseMessage = ajv.compileParser<ClientMessage>(CLIENT_MESSAGE_SCHEMA);

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
