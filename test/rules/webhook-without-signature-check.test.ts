import { describe, expect, it } from 'vitest';
import { check, lines } from '../helpers/rules.js';

const RULE = 'webhook-without-signature-check';

describe('webhook-without-signature-check (TypeScript/JavaScript)', () => {
  it('does not say "never verified" when the header is compared with a computed value', () => {
    const src = `export class InviteNudgeWebhook {
  async execute(command: Command) {
    const expected = createHash(process.env.NOVU_API_KEY || '', command.body.environmentId);
    const received = command?.headers?.['nv-hmac-256'];
    if (expected !== received) {
      throw new Error('Unauthorized request');
    }
    await this.members.count(command.body);
  }
}
`;
    expect(check(RULE, 'typescript', src)).toEqual([]);
  });

  it('flags a Stripe webhook route that parses the body without verifying it', () => {
    const src = `import express from 'express';

export const router = express.Router();

router.post('/webhooks/stripe', express.raw({ type: 'application/json' }), async (req, res) => {
  const event = JSON.parse(req.body.toString());
  if (event.type === 'payment_intent.succeeded') await orders.markPaid(event.data.object.id);
  res.sendStatus(200);
});
`;
    const findings = check(RULE, 'typescript', src);
    expect(lines(findings)).toEqual([5]);
    expect(findings[0]?.title).toBe('Webhook handler does not verify the signature');
    expect(findings[0]?.body).toContain('The `/webhooks/stripe` webhook handler acts on the request body');
    expect(findings[0]?.body).toContain('constructEvent');
  });

  it('flags a handler that only checks the signature header is present', () => {
    const src = `async function handleGithubWebhook(req, res) {
  const signature = req.get('X-Hub-Signature-256');
  if (!signature) return res.status(400).send('missing signature');
  await deploys.trigger(req.body.repository.full_name);
  res.sendStatus(202);
}
`;
    const findings = check(RULE, 'javascript', src);
    expect(lines(findings)).toEqual([2]);
    expect(findings[0]?.title).toBe('Webhook signature header read but never verified');
    expect(findings[0]?.body).toContain('`X-Hub-Signature-256`');
  });

  it('does not flag handlers that verify, delegate the whole request, or sit behind verifying middleware', () => {
    const src = `router.post('/webhooks/stripe', express.raw({ type: 'application/json' }), (req, res) => {
  const event = stripe.webhooks.constructEvent(req.body, req.headers['stripe-signature'], endpointSecret);
  res.sendStatus(200);
});

router.post('/webhooks/github', (req, res) => webhookService.receive(req, res));

router.post('/webhooks/slack', verifySlackRequest, (req, res) => {
  slackEvents.dispatch(req.body);
  res.sendStatus(200);
});

router.post('/webhooks/shopify', (req, res) => {
  const hmac = req.get('X-Shopify-Hmac-Sha256');
  if (!isValidShopifyHmac(req.rawBody, hmac)) return res.sendStatus(401);
  res.sendStatus(200);
});
`;
    expect(check(RULE, 'typescript', src)).toEqual([]);
  });

  it('does not flag the app\'s own webhook-subscription API', () => {
    const src = `router.post('/webhooks', async (req, res) => {
  const hook = await webhooks.create({ accountId: req.user.accountId, url: req.body.url });
  res.status(201).json(hook);
});

router.put('/webhooks/:id', async (req, res) => {
  res.json(await webhooks.update(req.params.id, req.body));
});

export async function createWebhook(req, res) {
  res.json(await webhooks.create(req.body));
}
`;
    expect(check(RULE, 'typescript', src)).toEqual([]);
  });

  it('does not report a handler whose registration line was not changed', () => {
    const src = `router.post('/webhooks/stripe', async (req, res) => {
  await orders.markPaid(req.body.data.object.id);
  res.sendStatus(200);
});
`;
    expect(check(RULE, 'typescript', src, { changed: [2] })).toEqual([]);
  });
});

describe('webhook-without-signature-check (Python)', () => {
  it('flags a Flask webhook route that trusts request.get_json()', () => {
    const src = `from flask import Flask, request

app = Flask(__name__)

@app.route("/webhooks/stripe", methods=["POST"])
def stripe_webhook():
    event = request.get_json()
    fulfil_order(event["data"]["object"])
    return "", 200
`;
    const findings = check(RULE, 'python', src);
    expect(lines(findings)).toEqual([6]);
    expect(findings[0]?.body).toContain('`/webhooks/stripe`');
  });

  it('flags a Django view named like a webhook and a FastAPI route that only requires the header', () => {
    const src = `@csrf_exempt
def stripe_webhook(request):
    event = json.loads(request.body)
    orders.mark_paid(event["data"]["object"]["id"])
    return HttpResponse(status=200)

@router.post("/webhooks/github")
async def github_push(request: Request, x_hub_signature_256: str = Header(None)):
    if not x_hub_signature_256:
        raise HTTPException(status_code=400)
    await deploys.trigger(await request.json())
`;
    const findings = check(RULE, 'python', src);
    expect(lines(findings)).toEqual([2, 8]);
    expect(findings[0]?.body).toContain('The webhook handler `stripe_webhook`');
    expect(findings[0]?.body).toContain('`stripe.Webhook.construct_event`');
    expect(findings[1]?.title).toBe('Webhook signature header read but never verified');
    expect(findings[1]?.body).toContain('`x-hub-signature-256`');
  });

  it('does not flag a route that calls stripe.Webhook.construct_event', () => {
    const src = `@app.route("/webhooks/stripe", methods=["POST"])
def stripe_webhook():
    event = stripe.Webhook.construct_event(request.data, request.headers["Stripe-Signature"], WEBHOOK_SECRET)
    fulfil_order(event["data"]["object"])
    return "", 200
`;
    expect(check(RULE, 'python', src)).toEqual([]);
  });
});

describe('webhook-without-signature-check (Go)', () => {
  it('flags an inline net/http webhook handler that reads the body unverified', () => {
    const src = `package webhooks

func Register(mux *http.ServeMux, svc *Service) {
	mux.HandleFunc("/webhooks/stripe", func(w http.ResponseWriter, r *http.Request) {
		payload, _ := io.ReadAll(r.Body)
		svc.Process(payload)
		w.WriteHeader(http.StatusOK)
	})
}
`;
    const findings = check(RULE, 'go', src);
    expect(lines(findings)).toEqual([4]);
  });

  it('does not flag a handler that verifies with stripe-go webhook.ConstructEvent', () => {
    const src = `package webhooks

func Register(mux *http.ServeMux, svc *Service) {
	mux.HandleFunc("/webhooks/stripe", func(w http.ResponseWriter, r *http.Request) {
		payload, _ := io.ReadAll(r.Body)
		event, err := webhook.ConstructEvent(payload, r.Header.Get("Stripe-Signature"), svc.secret)
		if err != nil {
			http.Error(w, "bad signature", http.StatusBadRequest)
			return
		}
		svc.Process(event)
	})
}
`;
    expect(check(RULE, 'go', src)).toEqual([]);
  });
});

describe('webhook-without-signature-check (Java)', () => {
  it('flags a Spring webhook endpoint that takes the body and no signature', () => {
    const src = `@RestController
@RequestMapping("/webhooks")
public class StripeWebhookController {
    @PostMapping("/stripe")
    public ResponseEntity<Void> receive(@RequestBody String payload) {
        events.handle(payload);
        return ResponseEntity.ok().build();
    }
}
`;
    const findings = check(RULE, 'java', src);
    expect(lines(findings)).toEqual([5]);
    expect(findings[0]?.body).toContain('`/webhooks/stripe`');
  });

  it('does not flag an endpoint that verifies with Webhook.constructEvent', () => {
    const src = `@RestController
@RequestMapping("/webhooks")
public class StripeWebhookController {
    @PostMapping("/stripe")
    public ResponseEntity<Void> receive(@RequestBody String payload, @RequestHeader("Stripe-Signature") String sigHeader) throws Exception {
        Event event = Webhook.constructEvent(payload, sigHeader, endpointSecret);
        events.handle(event);
        return ResponseEntity.ok().build();
    }
}
`;
    expect(check(RULE, 'java', src)).toEqual([]);
  });
});

describe('webhook-without-signature-check (verification skipped when the header is missing)', () => {
  it('flags an early accept when the signature header is absent (Python, TypeScript, Go)', () => {
    const py = `class MailWebhookView(View):
    def validate_request(self, request):
        signature = request.headers.get("X-Mail-Signature")
        if not signature:
            # older webhooks do not sign
            return
        expected = hmac.new(self.secret, request.body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(signature, expected):
            raise ValidationFailure("bad signature")
`;
    const findings = check(RULE, 'python', py);
    expect(lines(findings)).toEqual([4]);
    expect(findings[0]?.title).toBe('Webhook signature check skipped when the header is missing');
    const ts = `export function verifyWebhook(req: Request, res: Response, next: NextFunction) {
  const signature = req.headers['x-hub-signature-256'];
  if (!signature) return next();
  const expected = 'sha256=' + crypto.createHmac('sha256', secret).update(req.rawBody).digest('hex');
  if (!crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) return res.sendStatus(401);
  next();
}
`;
    expect(lines(check(RULE, 'typescript', ts))).toEqual([3]);
    const go = `package hooks

func verify(r *http.Request, body []byte, secret []byte) error {
	sig := r.Header.Get("X-Signature")
	if sig == "" {
		return nil
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	if !hmac.Equal([]byte(sig), []byte(hex.EncodeToString(mac.Sum(nil)))) {
		return errBadSignature
	}
	return nil
}
`;
    expect(lines(check(RULE, 'go', go))).toEqual([5]);
  });

  it('does not flag a missing header that is rejected', () => {
    const ts = `export function verifyWebhook(req: Request, res: Response, next: NextFunction) {
  const signature = req.headers['x-hub-signature-256'];
  if (!signature) return res.status(401).send('missing signature');
  const expected = 'sha256=' + crypto.createHmac('sha256', secret).update(req.rawBody).digest('hex');
  if (!crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) return res.sendStatus(401);
  next();
}
`;
    expect(check(RULE, 'typescript', ts)).toEqual([]);
    const py = `def validate_request(self, request):
    signature = request.headers.get("X-Mail-Signature")
    if not signature:
        raise ValidationFailure("missing signature")
    if not hmac.compare_digest(signature, self.expected(request)):
        raise ValidationFailure("bad signature")
`;
    expect(check(RULE, 'python', py)).toEqual([]);
  });
});
