import { describe, expect, it } from 'vitest';
import { check, lines } from '../helpers/rules.js';

const RULE = 'floating-promise-in-handler';

describe('floating-promise-in-handler (TypeScript/JavaScript)', () => {
  it('flags an un-awaited async helper and SDK call in an Express webhook route', () => {
    const src = `import express from 'express';
export const router = express.Router();

async function recordAudit(event: Stripe.Event) {
  await db.insert(audits).values({ type: event.type, payload: event });
}

router.post('/webhooks/stripe', express.raw({ type: 'application/json' }), async (req, res) => {
  const event = stripe.webhooks.constructEvent(req.body, req.headers['stripe-signature'], secret);
  recordAudit(event);
  await orders.markPaid(event.data.object.id);
  sgMail.send({ to: event.data.object.receipt_email, subject: 'Payment received' });
  res.json({ received: true });
});
`;
    const findings = check(RULE, 'typescript', src);
    expect(lines(findings)).toEqual([10, 12]);
    expect(findings[0]?.body).toContain('`recordAudit(…)` returns a promise that is not awaited');
    expect(findings[0]?.suggestion).toBe('  await recordAudit(event);');
    expect(findings[1]?.body).toContain('`sgMail.send(…)`');
  });

  it('flags a floating fetch in a Next.js route export and a Lambda handler', () => {
    const src = `export async function POST(request) {
  fetch(process.env.SLACK_WEBHOOK_URL, { method: 'POST', body: JSON.stringify({ text: 'new signup' }) });
  return Response.json({ ok: true });
}

export const handler = async (event) => {
  sqsClient.send(new SendMessageCommand({ QueueUrl: process.env.QUEUE_URL, MessageBody: event.body }));
  return { statusCode: 202 };
};
`;
    const findings = check(RULE, 'javascript', src);
    expect(lines(findings)).toEqual([2, 7]);
  });

  it('does not flag awaited, returned, caught or voided promises, or code outside handlers', () => {
    const src = `router.post('/orders', async (req, res) => {
  const order = await orders.create(req.body);
  await queue.add('fulfil', { orderId: order.id });
  sendWelcomeEmail(req.user).catch((err) => logger.warn({ err }, 'welcome email failed'));
  void analytics.track('order_created', { id: order.id });
  res.status(201).json(order);
});

export async function syncNightly() {
  fetch(process.env.HEALTHCHECK_URL);
}
`;
    expect(check(RULE, 'typescript', src)).toEqual([]);
  });

  it('does not report a floating promise on an unchanged line', () => {
    const src = `router.post('/webhooks/github', async (req, res) => {
  sqsClient.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(req.body) }));
  res.sendStatus(202);
});
`;
    expect(check(RULE, 'typescript', src, { changed: [1, 3] })).toEqual([]);
  });
});

describe('floating-promise-in-handler (Python)', () => {
  it('flags a coroutine called without await and a dropped create_task in a FastAPI webhook', () => {
    const src = `async def notify(user_id: str) -> None:
    await mailer.send(user_id, "Your export is ready")


@router.post("/webhooks/export-finished")
async def export_finished(payload: ExportEvent):
    notify(payload.user_id)
    asyncio.create_task(index_export(payload.export_id))
    return {"ok": True}
`;
    const findings = check(RULE, 'python', src);
    expect(lines(findings)).toEqual([7, 8]);
    expect(findings[0]?.title).toBe('Coroutine never awaited');
    expect(findings[0]?.suggestion).toBe('    await notify(payload.user_id)');
    expect(findings[1]?.title).toBe('Task reference dropped');
  });

  it('does not flag awaited coroutines or tasks that are kept', () => {
    const src = `background_tasks = set()


async def notify(user_id: str) -> None:
    await mailer.send(user_id, "Your export is ready")


@router.post("/webhooks/export-finished")
async def export_finished(payload: ExportEvent):
    await notify(payload.user_id)
    task = asyncio.create_task(index_export(payload.export_id))
    background_tasks.add(task)
    task.add_done_callback(background_tasks.discard)
    return {"ok": True}
`;
    expect(check(RULE, 'python', src)).toEqual([]);
  });
});

describe('floating-promise-in-handler (Go)', () => {
  it('flags goroutines that use the request context after the handler returns', () => {
    const src = `package api

func (h *Handler) CreateOrder(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	order, err := h.orders.Create(ctx, decode(r))
	if err != nil {
		http.Error(w, "could not create order", http.StatusInternalServerError)
		return
	}
	go h.notifier.OrderCreated(ctx, order)
	go func() {
		h.search.Index(r.Context(), order)
	}()
	w.WriteHeader(http.StatusCreated)
}
`;
    const findings = check(RULE, 'go', src);
    expect(lines(findings)).toEqual([10, 11]);
    expect(findings[0]?.body).toContain('`ctx := r.Context()`');
    expect(findings[1]?.body).toContain('`r.Context()`');
  });

  it('flags a goroutine that uses the gin context instead of a copy', () => {
    const src = `package api

func (h *Handler) Track(c *gin.Context) {
	go func() {
		h.analytics.Track(c.Request.URL.Path)
	}()
	c.Status(http.StatusAccepted)
}
`;
    const findings = check(RULE, 'go', src);
    expect(lines(findings)).toEqual([4]);
    expect(findings[0]?.title).toBe('Goroutine uses the gin request context');
  });

  it('does not flag goroutines with their own context or a gin copy', () => {
    const src = `package api

func (h *Handler) CreateOrder(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	go h.notifier.OrderCreated(context.WithoutCancel(ctx), order)
	go h.metrics.Inc("orders_created")
	w.WriteHeader(http.StatusCreated)
}

func (h *Handler) Track(c *gin.Context) {
	cCp := c.Copy()
	go func() {
		h.analytics.Track(cCp.Request.URL.Path)
	}()
}
`;
    expect(check(RULE, 'go', src)).toEqual([]);
  });
});

describe('floating-promise-in-handler (Java)', () => {
  it('flags a dropped CompletableFuture.runAsync in a controller', () => {
    const src = `@RestController
class OrderController {
  @PostMapping("/orders")
  public ResponseEntity<Order> create(@RequestBody Order order) {
    Order saved = orderService.create(order);
    CompletableFuture.runAsync(() -> notificationClient.orderCreated(saved));
    return ResponseEntity.status(HttpStatus.CREATED).body(saved);
  }
}
`;
    const findings = check(RULE, 'java', src);
    expect(lines(findings)).toEqual([6]);
    expect(findings[0]?.body).toContain('common ForkJoinPool');
  });

  it('does not flag a handled future, a kept future or code outside controllers', () => {
    const src = `@RestController
class OrderController {
  @PostMapping("/orders")
  public CompletableFuture<Order> create(@RequestBody Order order) {
    CompletableFuture.runAsync(() -> audit.record(order), auditExecutor)
        .exceptionally(ex -> { log.error("audit failed", ex); return null; });
    return CompletableFuture.supplyAsync(() -> orderService.create(order), orderExecutor);
  }
}

class NightlyJob {
  void run() {
    CompletableFuture.runAsync(this::reindex);
  }
}
`;
    expect(check(RULE, 'java', src)).toEqual([]);
  });
});

describe('floating-promise-in-handler (NestJS services on the request path)', () => {
  it('flags a promise left floating in a public async method of an @Injectable service or use case, not in a plain class', () => {
    const src = `import { Injectable } from '@nestjs/common';

@Injectable()
export class TeamInvitationService {
  constructor(private readonly slack: WebClient) {}
  async createInvitation(email: string) {
    const invitation = await this.prisma.teamInvitation.create({ data: { email } });
    this.slack.chat.postMessage({ channel: '#invites', text: email });
    return invitation;
  }
  private async helper() {
    this.slack.chat.postMessage({ channel: '#x', text: 'x' });
  }
}

export class Reporter {
  async report() {
    this.slack.chat.postMessage({ channel: '#r', text: 'r' });
  }
}
`;
    expect(lines(check('floating-promise-in-handler', 'typescript', src))).toEqual([8]);
  });
});
