import { generateKeyPairSync } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Probot, ProbotOctokit } from 'probot';
import type { JobQueue, QueueJob } from '../../src/queue/review-job.js';

/** A throwaway RSA key: Probot signs real JWTs with it; nothing else ever sees it. */
export const TEST_PRIVATE_KEY = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
}).privateKey;

/** A queue that records what it is given (the handlers' only output besides GitHub calls). */
export class RecordingQueue implements JobQueue {
  readonly jobs: QueueJob[] = [];
  async enqueue(job: QueueJob): Promise<boolean> {
    this.jobs.push(job);
    return true;
  }
  async start(): Promise<void> {}
  async depth() {
    return { waiting: this.jobs.length, active: 0 };
  }
  async healthy() {
    return true;
  }
  async close(): Promise<void> {}
}

/** Log lines written while the test runs, as text. */
export class LogCapture extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/**
 * A Probot instance as the server builds one, with retries and throttling off so a mocked error
 * surfaces at once, logging JSON into `capture`.
 */
export function testProbot(capture = new LogCapture(), level: pino.Level = 'warn'): { probot: Probot; logs: LogCapture } {
  const probot = new Probot({
    appId: 123,
    privateKey: TEST_PRIVATE_KEY,
    secret: 'test-webhook-secret',
    log: pino({ level }, capture),
    Octokit: ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } }),
  });
  return { probot, logs: capture };
}
