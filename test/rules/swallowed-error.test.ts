import { describe, expect, it } from 'vitest';
import { check, lines } from '../helpers/rules.js';

const RULE = 'swallowed-error';

describe('swallowed-error (TypeScript/JavaScript)', () => {
  it('flags a catch that only logs a failed Stripe call, as high', () => {
    const src = `export async function chargeCustomer(stripe: Stripe, customerId: string, amount: number) {
  try {
    await stripe.paymentIntents.create({ customer: customerId, amount, currency: 'usd' });
  } catch (err) {
    logger.error({ err, customerId }, 'charge failed');
  }
  await markOrderPaid(customerId);
}
`;
    const findings = check(RULE, 'typescript', src);
    expect(lines(findings)).toEqual([4]);
    expect(findings[0]?.endLine).toBe(6);
    expect(findings[0]?.severity).toBe('high');
    expect(findings[0]?.title).toBe('External call failure only logged');
    expect(findings[0]?.body).toContain('`stripe.paymentIntents.create(…)`');
    expect(findings[0]?.body).toContain('**Fix:**');
  });

  it('flags an empty catch as medium when nothing external is guarded', () => {
    const src = `export function parseMetadata(raw: string): Record<string, string> {
  let meta = {};
  try {
    meta = JSON.parse(raw);
  } catch {}
  return meta;
}
`;
    const findings = check(RULE, 'typescript', src);
    expect(lines(findings)).toEqual([5]);
    expect(findings[0]?.severity).toBe('medium');
    expect(findings[0]?.body).toContain('This `catch` is empty');
  });

  it('flags .catch(() => {}) and .catch(console.error) on outbound calls', () => {
    const src = `export function notifyPartner(event) {
  fetch(process.env.PARTNER_HOOK, { method: 'POST', body: JSON.stringify(event) }).catch(() => {});
  axios.post(process.env.AUDIT_URL, event).catch(console.error);
}
`;
    const findings = check(RULE, 'javascript', src);
    expect(lines(findings)).toEqual([2, 3]);
    expect(findings.map((f) => f.severity)).toEqual(['high', 'high']);
    expect(findings[0]?.body).toContain('empty handler discards a failure of `fetch(…)`');
    expect(findings[1]?.body).toContain('only logs a failure of `axios.post(…)`');
  });

  it('does not flag catches that rethrow, answer with a status, call next(err), explain themselves or degrade a cache', () => {
    const src = `router.post('/orders', async (req, res, next) => {
  try {
    await axios.post(\`\${ERP_URL}/orders\`, req.body, { timeout: 5000 });
  } catch (err) {
    logger.error({ err }, 'erp push failed');
    return res.status(502).json({ error: 'erp_unavailable' });
  }
  try {
    await stripe.customers.update(req.user.stripeId, { metadata: { lastOrder: req.body.id } });
  } catch (err) {
    next(err);
  }
  try {
    await fs.promises.unlink(req.file.path);
  } catch {
    // the upload may already have been cleaned up by multer
  }
  try {
    await redis.del(\`orders:\${req.user.id}\`);
  } catch (err) {
    logger.warn({ err }, 'order cache invalidation failed, serving stale for 60s');
  }
  sendWelcomeEmail(req.user).catch((err) => logger.warn({ err }, 'welcome email failed'));
});
`;
    expect(check(RULE, 'typescript', src)).toEqual([]);
  });

  it('does not flag a log-only catch that isolates one item of a batch', () => {
    const src = `export async function syncContacts(contacts: Contact[]) {
  for (const contact of contacts) {
    try {
      await hubspotClient.crm.contacts.basicApi.create({ properties: contact });
    } catch (err) {
      logger.warn({ err, id: contact.id }, 'contact sync failed, continuing');
    }
  }
}
`;
    expect(check(RULE, 'typescript', src)).toEqual([]);
  });

  it('does not flag cleanup that must not mask the original error, or a stored promise marked handled', () => {
    const src = `export async function writeAtomic(path: string, data: Buffer) {
  const tmp = \`\${path}.tmp\`;
  try {
    await fs.promises.writeFile(tmp, data);
    await fs.promises.rename(tmp, path);
  } catch (err) {
    await fs.promises.unlink(tmp).catch(() => {});
    throw err;
  }
}

export function startStream(stream: MessageStream) {
  stream.done.catch(() => {});
  return stream;
}
`;
    expect(check(RULE, 'typescript', src)).toEqual([]);
  });

  it('does not report a swallowed error on a line the change did not touch', () => {
    const src = `export async function chargeCustomer(stripe: Stripe, customerId: string) {
  try {
    await stripe.paymentIntents.create({ customer: customerId, amount: 100, currency: 'usd' });
  } catch (err) {
    logger.error(err);
  }
}
`;
    expect(check(RULE, 'typescript', src, { changed: [1, 2, 3] })).toEqual([]);
    expect(lines(check(RULE, 'typescript', src, { changed: [5] }))).toEqual([4]);
  });
});

describe('swallowed-error (Python)', () => {
  it('flags except Exception: pass around a requests call, as high', () => {
    const src = `def sync_customer(customer):
    try:
        requests.post(CRM_URL, json=customer.to_dict(), timeout=10)
    except Exception:
        pass
    customer.synced_at = now()
`;
    const findings = check(RULE, 'python', src);
    expect(lines(findings)).toEqual([4]);
    expect(findings[0]?.severity).toBe('high');
    expect(findings[0]?.body).toContain('This `except` is empty: a failure of `requests.post(…)`');
  });

  it('flags a log-only except around a Stripe call and a bare except: pass', () => {
    const src = `def refresh(customer, raw):
    try:
        stripe.Customer.modify(customer.stripe_id, metadata={"plan": customer.plan})
    except stripe.error.StripeError as e:
        logger.exception("stripe update failed: %s", e)
    try:
        settings = json.loads(raw)
    except:
        pass
`;
    const findings = check(RULE, 'python', src);
    expect(lines(findings)).toEqual([4, 8]);
    expect(findings[0]?.severity).toBe('high');
    expect(findings[0]?.title).toBe('External call failure only logged');
    expect(findings[1]?.severity).toBe('medium');
  });

  it('does not flag narrow idioms, re-raises or commented best-effort cleanup', () => {
    const src = `def lookup(cache, key, tmp_path):
    try:
        value = cache[key]
    except KeyError:
        pass
    try:
        stripe.Customer.modify("cus_1", metadata={})
    except stripe.error.StripeError:
        logger.exception("stripe update failed")
        raise
    try:
        os.remove(tmp_path)
    except OSError:  # already removed by the previous run
        pass
`;
    expect(check(RULE, 'python', src)).toEqual([]);
  });
  it('does not flag a swallowed failure in close() or one explained by a comment above the except', () => {
    const src = `class KafkaPublisher:
    def close(self):
        try:
            self.producer.flush(5)
        except Exception:
            pass

    def send(self, conn, body):
        try:
            conn.request("POST", "/events", body=body)
        # the server may close the connection after a valid response: it is still readable
        except BrokenPipeError:
            pass
`;
    expect(check(RULE, 'python', src)).toEqual([]);
  });
});

describe('swallowed-error (Go)', () => {
  it('flags an if err != nil that only logs an HTTP call error and falls through', () => {
    const src = `package billing

func (s *Service) Charge(ctx context.Context, req *http.Request) error {
	resp, err := s.client.Do(req)
	if err != nil {
		log.Printf("charge failed: %v", err)
	}
	defer resp.Body.Close()
	return decode(resp)
}
`;
    const findings = check(RULE, 'go', src);
    expect(lines(findings)).toEqual([5]);
    expect(findings[0]?.severity).toBe('high');
    expect(findings[0]?.body).toContain('only logs the error from `s.client.Do(…)`');
  });

  it('flags an external call whose error is assigned to _', () => {
    const src = `package orders

func (s *Service) Publish(ctx context.Context, o Order) {
	_ = s.producer.Publish(ctx, encode(o))
	resp, _ := s.httpClient.Do(req)
	process(resp)
}
`;
    const findings = check(RULE, 'go', src);
    expect(lines(findings)).toEqual([4, 5]);
    expect(findings[0]?.title).toBe('External call error discarded');
    expect(findings[1]?.body).toContain('`s.httpClient.Do(…)`');
  });

  it('does not flag returned errors, logged Close errors or discarded local results', () => {
    const src = `package orders

func (s *Service) Save(ctx context.Context, f *os.File, o Order) error {
	if _, err := s.db.ExecContext(ctx, insertOrder, o.ID, o.Total); err != nil {
		return fmt.Errorf("insert order %s: %w", o.ID, err)
	}
	if err := f.Close(); err != nil {
		log.Printf("close export: %v", err)
	}
	_ = resp.Body.Close()
	n, _ := strconv.Atoi(o.Qty)
	return s.notify(ctx, n)
}
`;
    expect(check(RULE, 'go', src)).toEqual([]);
  });
});

describe('swallowed-error (Java)', () => {
  it('flags a catch that only logs a RestTemplate failure', () => {
    const src = `class PaymentService {
  void charge(Order order) {
    try {
      restTemplate.postForObject(paymentsUrl, order, Receipt.class);
    } catch (RestClientException e) {
      log.error("charge failed for {}", order.getId(), e);
    }
    orderRepository.markPaid(order.getId());
  }
}
`;
    const findings = check(RULE, 'java', src);
    expect(lines(findings)).toEqual([5]);
    expect(findings[0]?.severity).toBe('high');
    expect(findings[0]?.body).toContain('`restTemplate.postForObject(…)`');
  });

  it('flags an empty catch and a printStackTrace-only catch', () => {
    const src = `class Importer {
  int parse(String raw) {
    int qty = 0;
    try {
      qty = Integer.parseInt(raw);
    } catch (NumberFormatException e) {
    }
    try {
      Files.delete(tmp);
    } catch (IOException e) {
      e.printStackTrace();
    }
    return qty;
  }
}
`;
    const findings = check(RULE, 'java', src);
    expect(lines(findings)).toEqual([6, 10]);
    expect(findings[1]?.title).toBe('Error only printed');
  });

  it('does not flag a catch that wraps and rethrows, or one named ignored', () => {
    const src = `class Publisher {
  void publish(Order o) {
    try {
      kafkaTemplate.send("orders", o.getId(), o);
    } catch (KafkaException e) {
      log.error("publish failed", e);
      throw new PublishException("could not publish order " + o.getId(), e);
    }
    try {
      Thread.sleep(50);
    } catch (InterruptedException ignored) {
    }
  }
}
`;
    expect(check(RULE, 'java', src)).toEqual([]);
  });
});

describe('swallowed-error (exemptions)', () => {
  it('does not flag a best-effort ping explained by a comment, a timer callback, or a helper only called from catches', () => {
    const java = `class InstallService {
  Item install(Item item) {
    try {
      repo.save(item);
    } catch (Exception e) {
      handleFailedInstall(item, e);
      throw e;
    }
    try {
      hubRestClient.reportVersionInstalled(item.version());
    } catch (Exception e) {
      // Counter ping is best-effort: do not fail the install if it errors.
      log.warn("report failed: {}", e.getMessage());
    }
    return item;
  }
  private void handleFailedInstall(Item item, Exception cause) {
    try {
      hubRestClient.markFailed(item.id());
    } catch (Exception inner) {
      log.warn("could not mark failed", inner);
    }
  }
}
`;
    expect(check(RULE, 'java', java)).toEqual([]);
    const ts = `export function watchCluster(client: Cluster) {
  setInterval(() => {
    try {
      client.nodes('all').forEach((n) => logger.log(n.commandQueue.length));
    } catch (e) {
      logger.error(e);
    }
  }, 2000);
}
`;
    expect(check(RULE, 'typescript', ts)).toEqual([]);
  });

  it('lowers the confidence when the only call out is a Java *Api field (often an in-process module)', () => {
    const java = `class InvoiceListener {
  void onEvent(Event e) {
    try {
      billingApi.getBillingEvents(e.accountId());
    } catch (BillingApiException ex) {
      log.warn("Failed to retrieve billing events", ex);
    }
  }
}
`;
    const findings = check(RULE, 'java', java);
    expect(lines(findings)).toEqual([5]);
    expect(findings[0]?.confidence).toBe(0.1);
  });

  it('does not treat a non-error second result as a dropped error, but flags a dropped ReadAll error', () => {
    const src = `package smtp

func (s *Service) send(client *smtp.Client, res *http.Response) {
	supported, _ := client.Extension("StartTLS")
	body, _ := ioutil.ReadAll(res.Body)
	use(supported, body)
}
`;
    expect(lines(check(RULE, 'go', src))).toEqual([5]);
  });

  it('stays silent in tests, scripts and command-line entry points', () => {
    const src = `export async function run() {
  try {
    await stripe.paymentIntents.create({ amount: 1 });
  } catch (err) {
    console.error(err);
  }
}
`;
    expect(check(RULE, 'typescript', src, { path: 'scripts/seed-payments.ts' })).toEqual([]);
    expect(check(RULE, 'typescript', src, { path: 'src/payments/charge.test.ts' })).toEqual([]);
  });
});
