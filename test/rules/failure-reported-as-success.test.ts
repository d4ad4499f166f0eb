import { describe, expect, it } from 'vitest';
import { check, lines } from '../helpers/rules.js';

const RULE = 'failure-reported-as-success';

describe('failure-reported-as-success', () => {
  it('flags a catch that logs a failed send and answers success, in TS, Python, Java and Go', () => {
    const ts = `export async function sendReceipt(order: Order) {
  try {
    await sgMail.send(receiptFor(order));
  } catch (err) {
    logger.error({ err }, 'receipt failed');
    return { success: true };
  }
  return { success: true };
}
`;
    const tsFindings = check(RULE, 'typescript', ts);
    expect(lines(tsFindings)).toEqual([4]);
    expect(tsFindings[0]?.severity).toBe('high');
    const py = `def notify(url, payload):
    try:
        requests.post(url, json=payload, timeout=5)
    except Exception as e:
        logger.error("notify failed: %s", e)
        return True
    return True
`;
    expect(lines(check(RULE, 'python', py))).toEqual([4]);
    const java = `class Payments {
  boolean charge(Order o) {
    try {
      paymentClient.charge(o.id(), o.total());
    } catch (PaymentClientException e) {
      log.error("charge failed", e);
      return true;
    }
    return true;
  }
}
`;
    expect(lines(check(RULE, 'java', java))).toEqual([5]);
    const go = `package mail

func (s *Service) Welcome(u User) error {
	if err := s.mailClient.Send(welcome(u)); err != nil {
		log.Printf("welcome mail failed: %v", err)
		return nil
	}
	return nil
}
`;
    const goFindings = check(RULE, 'go', go);
    expect(lines(goFindings)).toEqual([4]);
  });

  it('does not flag an empty result after a read or used as the function\'s sentinel, a Go (nil, nil) after a read, or a loop', () => {
    const src = `export async function recommendations(userId: string) {
  try {
    return await recoClient.get(\`/users/\${userId}\`);
  } catch (err) {
    logger.warn({ err }, 'recommendations unavailable');
    return [];
  }
}
export async function upload(file: File) {
  if (!file.size) return null;
  try {
    return await s3Client.send(new PutObjectCommand(file));
  } catch (err) {
    logger.warn({ err }, 'upload failed');
    return null;
  }
}
export async function sync(items: Item[]) {
  for (const item of items) {
    try {
      await crmClient.post('/items', item);
    } catch (err) {
      logger.warn({ err });
      return { success: true };
    }
  }
}
`;
    expect(check(RULE, 'typescript', src)).toEqual([]);
    const go = `package users

func (s *Service) Avatar(id string) ([]byte, error) {
	b, err := s.storageClient.Get(id)
	if err != nil {
		return nil, nil
	}
	return b, nil
}
`;
    expect(check(RULE, 'go', go)).toEqual([]);
  });

  it('flags an empty result after a failed send, a metric-counting except, a catch-all 200 and a check that fails open', () => {
    const py = `def send_email(client, message):
    try:
        return client.send(message)
    except HTTPError as e:
        logger.warning("send failed: %s", e.body)
        return None

def revoke(self, data):
    try:
        response = self.session.post(REVOKE_URL, data=data, timeout=5)
    except requests.RequestException as e:
        metrics.send("revoke_failure", "counter", 1)
        logger.error(f"unreachable: {e}")
        return {}
    return response.json()

def webhook(request):
    try:
        process_event(request)
    except Exception:
        logger.exception("webhook failed")
        return HttpResponse(status=200)
    return HttpResponse(status=200)
`;
    expect(lines(check(RULE, 'python', py))).toEqual([4, 11, 20]);
    const go = `package github

func (c *Config) checkMembership(ctx context.Context, client *github.Client, login string) error {
	orgs, _, err := client.Organizations.List(ctx, "", nil)
	if err != nil {
		log.Warn("failed to list organizations, skipping the check: %v", err)
		return nil
	}
	return match(orgs, c.Organization)
}
`;
    expect(lines(check(RULE, 'go', go))).toEqual([5]);
  });
});
