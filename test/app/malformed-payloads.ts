/**
 * Correctly signed but malformed webhook bodies, each of a kind that made a handler throw a
 * TypeError (and Probot answer 500) before the webhook edge. `json` is the body as sent; bodies
 * that are not JSON at all have `raw` instead. String values say `EVIL` so a test can check that no
 * reason or log line quotes them.
 */
export interface MalformedPayload {
  what: string;
  event: string;
  json?: string;
  raw?: Buffer;
}

const repository = { id: 1, name: 'payments', full_name: 'acme/payments', owner: { login: 'acme', type: 'Organization' } };
const sender = { login: 'mona', type: 'User' };
const sha = 'a'.repeat(40);
const pr = { number: 7, state: 'open', draft: false, head: { sha, ref: 'feature' }, base: { sha: 'b'.repeat(40), ref: 'main' }, user: sender, labels: [{ name: 'x' }] };
const pullRequest = (change: (p: Record<string, unknown>) => void) => {
  const p: Record<string, unknown> = { action: 'opened', number: 7, pull_request: structuredClone(pr), repository: structuredClone(repository), sender, installation: { id: 4242 } };
  change(p);
  return JSON.stringify(p);
};
const comment = (change: (p: Record<string, unknown>) => void) => {
  const p: Record<string, unknown> = {
    action: 'created',
    comment: { id: 501, body: '/arch-review', user: sender },
    issue: { number: 7, pull_request: { url: 'https://api.github.com/repos/acme/payments/pulls/7' } },
    repository: structuredClone(repository),
    sender,
    installation: { id: 4242 },
  };
  change(p);
  return JSON.stringify(p);
};

/** The valid bodies the malformed ones are derived from (a test checks they pass). */
export const validBodies = { pull_request: pullRequest(() => undefined), issue_comment: comment(() => undefined) };

export function malformedPayloads(): MalformedPayload[] {
  return [
    { what: 'a null body', event: 'pull_request', json: 'null' },
    { what: 'a number as the body', event: 'pull_request', json: '42' },
    { what: 'a string as the body', event: 'issue_comment', json: '"EVIL"' },
    { what: 'an array as the body', event: 'pull_request', json: '[{"action":"opened"}]' },
    { what: 'an empty body', event: 'pull_request', raw: Buffer.alloc(0) },
    { what: 'a body that is not JSON', event: 'pull_request', raw: Buffer.from('{"action": EVIL') },
    { what: 'a body that is not UTF-8', event: 'pull_request', raw: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]) },
    { what: 'pull_request a string', event: 'pull_request', json: pullRequest((p) => (p.pull_request = 'EVIL')) },
    { what: 'pull_request.labels not an array', event: 'pull_request', json: pullRequest((p) => ((p.pull_request as Record<string, unknown>).labels = 'EVIL')) },
    { what: 'pull_request.labels holding a string', event: 'pull_request', json: pullRequest((p) => ((p.pull_request as Record<string, unknown>).labels = ['EVIL'])) },
    { what: 'pull_request.head missing', event: 'pull_request', json: pullRequest((p) => delete (p.pull_request as Record<string, unknown>).head) },
    { what: 'pull_request.head.sha not a SHA', event: 'pull_request', json: pullRequest((p) => ((p.pull_request as { head: Record<string, unknown> }).head.sha = 'EVIL')) },
    { what: 'pull_request.user a number', event: 'pull_request', json: pullRequest((p) => ((p.pull_request as Record<string, unknown>).user = 5)) },
    { what: 'repository missing', event: 'pull_request', json: pullRequest((p) => delete p.repository) },
    { what: 'repository.owner missing', event: 'pull_request', json: pullRequest((p) => delete (p.repository as Record<string, unknown>).owner) },
    { what: 'installation.id a string', event: 'pull_request', json: pullRequest((p) => (p.installation = { id: 'EVIL' })) },
    { what: 'action missing', event: 'pull_request', json: pullRequest((p) => delete p.action) },
    { what: 'issue_comment without comment', event: 'issue_comment', json: comment((p) => delete p.comment) },
    { what: 'comment.body null', event: 'issue_comment', json: comment((p) => ((p.comment as Record<string, unknown>).body = null)) },
    { what: 'issue.pull_request a string', event: 'issue_comment', json: comment((p) => ((p.issue as Record<string, unknown>).pull_request = 'EVIL')) },
    { what: 'issue.number a string', event: 'issue_comment', json: comment((p) => ((p.issue as Record<string, unknown>).number = 'EVIL')) },
    { what: 'issue_comment without sender', event: 'issue_comment', json: comment((p) => delete p.sender) },
    { what: 'installation without installation', event: 'installation', json: JSON.stringify({ action: 'created', repositories: [], sender }) },
    { what: 'installation_repositories.repositories_added not an array', event: 'installation_repositories', json: JSON.stringify({ action: 'added', installation: { id: 1, account: { login: 'acme' } }, repositories_added: 'EVIL', repositories_removed: [] }) },
  ];
}
