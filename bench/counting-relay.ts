/**
 * An SMTP relay that accepts every message and counts it, nothing more: the 09:00
 * wave measures what the worker queues and sends, not how fast the development
 * mailbox (dev/mail-sink.ts) parses 2,635 messages — measured on 05/12, that parsing
 * held the bench's own process at 100 % of a core and set the wave's pace.
 */
import { SMTPServer } from 'smtp-server';

export class CountingRelay {
  count = 0;
  port = 0;
  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData: (stream, _session, callback) => {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        this.count++;
        callback();
      });
    },
  });

  static async start(): Promise<CountingRelay> {
    const relay = new CountingRelay();
    await new Promise<void>((resolve, reject) => {
      relay.server.once('error', reject);
      relay.server.listen(0, '127.0.0.1', () => resolve());
    });
    const addr = relay.server.server.address();
    relay.port = typeof addr === 'object' && addr ? addr.port : 0;
    return relay;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
