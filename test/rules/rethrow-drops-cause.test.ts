import { describe, expect, it } from 'vitest';
import { check, lines } from '../helpers/rules.js';

const RULE = 'rethrow-drops-cause';

describe('rethrow-drops-cause (TypeScript/JavaScript)', () => {
  it('flags throw new Error(msg) that drops the caught Stripe error, with a { cause } suggestion', () => {
    const src = `export async function confirmPayment(id: string) {
  try {
    return await stripe.paymentIntents.confirm(id);
  } catch (err) {
    throw new Error('payment confirmation failed');
  }
}
`;
    const findings = check(RULE, 'typescript', src);
    expect(lines(findings)).toEqual([5]);
    expect(findings[0]?.body).toContain('`throw new Error(…)` inside `catch (err)` does not pass `err` on');
    expect(findings[0]?.suggestion).toBe("    throw new Error('payment confirmation failed', { cause: err });");
  });

  it('suggests { cause } for a local Error subclass without its own constructor only', () => {
    const src = `class ChargeError extends Error {}

export async function charge(id) {
  try {
    return await stripe.paymentIntents.capture(id);
  } catch (e) {
    throw new ChargeError(\`capture failed for \${id}\`);
  }
}

export async function refund(id) {
  try {
    return await stripe.refunds.create({ payment_intent: id });
  } catch (e) {
    throw new RefundError('refund failed');
  }
}
`;
    const findings = check(RULE, 'javascript', src);
    expect(lines(findings)).toEqual([7, 15]);
    expect(findings[0]?.suggestion).toBe('    throw new ChargeError(`capture failed for ${id}`, { cause: e });');
    expect(findings[1]?.suggestion).toBeUndefined();
  });

  it('does not flag a rethrow that chains the cause, inspects the error, or rethrows it', () => {
    const src = `export async function getUser(id: string) {
  try {
    return await axios.get(\`\${USERS_URL}/\${id}\`, { timeout: 5000 });
  } catch (err) {
    if (axios.isAxiosError(err) && err.response?.status === 404) throw new NotFoundError(\`no user \${id}\`);
    throw new UpstreamError('users service failed', { cause: err });
  }
}

export function parseBody(body: string) {
  try {
    return JSON.parse(body);
  } catch {
    throw new BadRequestError('invalid JSON body');
  }
}
`;
    expect(check(RULE, 'typescript', src)).toEqual([]);
  });

  it('does not report a dropped cause on an unchanged line', () => {
    const src = `export async function confirmPayment(id: string) {
  try {
    return await stripe.paymentIntents.confirm(id);
  } catch (err) {
    throw new Error('payment confirmation failed');
  }
}
`;
    expect(check(RULE, 'typescript', src, { changed: [2, 3, 4] })).toEqual([]);
  });
});

describe('rethrow-drops-cause (Python)', () => {
  it('flags raise ... from None that hides the error of a Stripe call', () => {
    const src = `def charge(customer_id, amount):
    try:
        return stripe.PaymentIntent.create(customer=customer_id, amount=amount, currency="eur")
    except stripe.error.StripeError as e:
        raise PaymentError("charge failed") from None
`;
    const findings = check(RULE, 'python', src);
    expect(lines(findings)).toEqual([5]);
    expect(findings[0]?.body).toContain('with `from None`');
  });

  it('does not flag raise inside except (implicitly chained), from e, from None around local code, bare raise or a wrapped error', () => {
    const src = `def charge(customer_id, amount, users, user_id):
    try:
        return stripe.PaymentIntent.create(customer=customer_id, amount=amount, currency="eur")
    except stripe.error.CardError as e:
        raise PaymentDeclined(e.user_message) from e
    except stripe.error.StripeError:
        raise PaymentUnavailable("stripe is down")
    except requests.Timeout as e:
        raise PaymentUnavailable(f"stripe timed out: {e}") from None
    except Exception:
        logger.exception("unexpected")
        raise
    try:
        user = users[user_id]
    except KeyError:
        raise NotFound(user_id) from None
    try:
        return session.send(request, timeout=10)
    except requests.ConnectionError as err:
        raise UpstreamError(err, request=request)
`;
    expect(check(RULE, 'python', src)).toEqual([]);
  });
});

describe('rethrow-drops-cause (Go)', () => {
  it('flags fmt.Errorf with %v for the error and suggests %w', () => {
    const src = `package billing

func (s *Service) Charge(ctx context.Context, id string) error {
	if _, err := s.client.Do(req); err != nil {
		return fmt.Errorf("charge %s: %v", id, err)
	}
	return nil
}
`;
    const findings = check(RULE, 'go', src);
    expect(lines(findings)).toEqual([5]);
    expect(findings[0]?.body).toContain('formats `err` with `%v`');
    expect(findings[0]?.suggestion).toBe('\t\treturn fmt.Errorf("charge %s: %w", id, err)');
    // `%v` keeps the text: a style point, listed below the default min_confidence.
    expect(findings[0]?.confidence).toBe(0.45);
  });

  it('does not flag errors of local calls (marshal, parse, a project helper), nor a CLI command', () => {
    const src = `package jsonclient

func (c *Client) Post(url string, request interface{}) error {
	body, err := json.Marshal(request)
	if err != nil {
		return fmt.Errorf("error creating payload: %v", err)
	}
	port, err := strconv.Atoi(raw)
	if err != nil {
		return errors.New("port must be a number")
	}
	if err := c.sendItems(items); err != nil {
		return fmt.Errorf("send failed: %v", err)
	}
	return nil
}
`;
    expect(check(RULE, 'go', src)).toEqual([]);
    const cli = `package send

func run(cmd *cobra.Command, args []string) error {
	if _, err := http.Post(url, "text/plain", body); err != nil {
		return fmt.Errorf("failed to send: %v", err)
	}
	return nil
}
`;
    expect(check(RULE, 'go', cli, { path: 'shoutrrr/cmd/send/send.go' })).toEqual([]);
  });

  it('flags errors.New returned from if err != nil without the error', () => {
    const src = `package orders

func (r *Repo) MarkPaid(ctx context.Context, id string) error {
	if _, err := r.db.ExecContext(ctx, markPaid, id); err != nil {
		return errors.New("could not mark order paid")
	}
	return nil
}
`;
    const findings = check(RULE, 'go', src);
    expect(lines(findings)).toEqual([5]);
    expect(findings[0]?.body).toContain('without `err`');
  });

  it('does not flag %w, a sentinel wrap with %w, or a block that inspects err', () => {
    const src = `package orders

func (r *Repo) Find(ctx context.Context, id string) (*Order, error) {
	row := r.db.QueryRowContext(ctx, findOrder, id)
	if err := row.Scan(&o.ID); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, errors.New("order not found")
		}
		return nil, fmt.Errorf("find order %s: %w", id, err)
	}
	return nil, fmt.Errorf("%w: status %v", ErrUpstream, err)
}
`;
    expect(check(RULE, 'go', src)).toEqual([]);
  });
});

describe('rethrow-drops-cause (Java)', () => {
  it('flags throw new XException(msg) without e and suggests passing it', () => {
    const src = `class PaymentService {
  Receipt charge(Order o) {
    try {
      return restTemplate.postForObject(paymentsUrl, o, Receipt.class);
    } catch (RestClientException e) {
      throw new PaymentException("charge failed");
    }
  }
}
`;
    const findings = check(RULE, 'java', src);
    expect(lines(findings)).toEqual([6]);
    expect(findings[0]?.suggestion).toBe('      throw new PaymentException("charge failed", e);');
  });

  it('flags a rethrow that keeps only e.getMessage()', () => {
    const src = `class PaymentService {
  Receipt charge(Order o) {
    try {
      return restTemplate.postForObject(paymentsUrl, o, Receipt.class);
    } catch (RestClientException e) {
      throw new PaymentException("charge failed: " + e.getMessage());
    }
  }
}
`;
    const findings = check(RULE, 'java', src);
    expect(lines(findings)).toEqual([6]);
    expect(findings[0]?.suggestion).toBeUndefined();
  });

  it('does not flag a chained cause, a status translation or a domain lookup', () => {
    const src = `class OrderService {
  Order get(String id) {
    try {
      return restTemplate.getForObject(ordersUrl + id, Order.class);
    } catch (HttpClientErrorException e) {
      if (e.getStatusCode() == HttpStatus.NOT_FOUND) throw new NotFoundException("order " + id);
      throw new OrderServiceException("orders service failed", e);
    }
  }
  void validate(Config c) {
    try {
      validator.validateUri(new URI(c.getUrl()));
    } catch (Exception e) {
      throw new DataValidationException("URL is not allowed: " + e.getMessage());
    }
  }
  Order local(String id) {
    try {
      return cache.find(id).orElseThrow();
    } catch (NoSuchElementException e) {
      throw new NotFoundException("order " + id);
    }
  }
}
`;
    expect(check(RULE, 'java', src)).toEqual([]);
  });
});
