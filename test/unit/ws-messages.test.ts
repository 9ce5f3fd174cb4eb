import Ajv from 'ajv/dist/jtd';
import { CLIENT_MESSAGE_SCHEMA } from '../../protocol/queue';
import { readClientMessage } from '../../server/src/ws-messages';

/**
 * The companion compiles CLIENT_MESSAGE_SCHEMA without checking it against JTD's meta-schema
 * (that check cost ~0.8 s of every start): it is checked here, once.
 */
describe('the live channel’s client messages', () => {
  it('the schema is valid JSON Type Definition', () => {
    const ajv = new Ajv();
    expect(ajv.validateSchema(CLIENT_MESSAGE_SCHEMA)).toBe(true);
  });

  it('reads what a browser may send and refuses anything else', () => {
    expect(readClientMessage('{"type":"subscribe","cluster":"a","all":false}')).toEqual({
      message: { type: 'subscribe', cluster: 'a', all: false }
    });
    expect(readClientMessage('{"type":"subscribe","cluster":1}')).toHaveProperty('refused');
    expect(readClientMessage('{"type":"drop"}')).toHaveProperty('refused');
    expect(readClientMessage('{"type":"unsubscribe","cluster":"a","x":1}')).toHaveProperty('refused');
  });
});
