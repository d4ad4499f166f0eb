import { describe, expect, it } from 'vitest';
import { check, lines } from '../helpers/rules.js';

const RULE = 'blocking-call-in-async';

describe('blocking-call-in-async', () => {
  it('flags time.sleep, requests and subprocess in async def, not in sync code or nested sync helpers', () => {
    const src = `import time
import requests
from subprocess import check_output

async def webhook(request):
    time.sleep(1)
    r = requests.post(URL, json=await request.json(), timeout=5)
    check_output(["git", "pull"])

    def in_thread():
        return requests.get(URL, timeout=5)
    return await asyncio.to_thread(in_thread)

def sync_view(request):
    time.sleep(1)
    return requests.get(URL, timeout=5)
`;
    const findings = check(RULE, 'python', src);
    expect(lines(findings)).toEqual([6, 7, 8]);
    expect(findings[0]?.body).toContain('await asyncio.sleep(...)');
  });

  it('flags Node sync APIs in an async route handler, not at startup or in a sync CLI', () => {
    const src = `import fs from 'node:fs';
import { execSync } from 'node:child_process';

const template = fs.readFileSync('./template.html', 'utf8');

app.post('/reports', async (req, res) => {
  const data = fs.readFileSync(\`/data/\${req.body.id}.json\`, 'utf8');
  const out = execSync('wkhtmltopdf in.html out.pdf');
  res.send(out);
});

export function main() {
  execSync('npm run build');
}
`;
    expect(lines(check(RULE, 'typescript', src))).toEqual([7, 8]);
  });

  it('flags Reactor block() in a method returning Mono, not in a blocking service method', () => {
    const src = `class Rates {
  public Mono<Quote> quote(String id) {
    Price p = webClient.get().uri("/prices/" + id).retrieve().bodyToMono(Price.class).block();
    return Mono.just(new Quote(p));
  }

  public Quote blockingQuote(String id) {
    return webClient.get().uri("/quotes/" + id).retrieve().bodyToMono(Quote.class).block();
  }
}
`;
    expect(lines(check(RULE, 'java', src))).toEqual([3]);
  });
});
