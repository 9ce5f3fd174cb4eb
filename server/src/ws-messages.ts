import Ajv from 'ajv/dist/jtd';
import { CLIENT_MESSAGE_SCHEMA, ClientMessage } from '../../protocol/queue';

export { CLOSE_POLICY, MAX_CLIENT_FRAME_BYTES } from '../../protocol/queue';

/**
 * What a browser may send on the live channel (ws.ts): CLIENT_MESSAGE_SCHEMA. Anything else closes
 * that connection with a reason: a frame is data from the network, never trusted to have a shape.
 */
// The schema is a constant of ours (its validity against JTD's meta-schema is a unit test):
// checking it at every start compiled that meta-schema, ~0.8 s of the companion's start.
const ajv = new Ajv({ meta: false, validateSchema: false });
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
