import { describe, expect, it } from 'vitest';
import { check, lines } from '../helpers/rules.js';

const RULE = 'list-first-page-only';

describe('list-first-page-only', () => {
  it('flags a go-github list with nil options and no NextPage loop', () => {
    const src = `package github

func member(ctx context.Context, client *github.Client, allowed string) (bool, error) {
	orgs, _, err := client.Organizations.List(ctx, "", nil)
	if err != nil {
		return false, err
	}
	for _, o := range orgs {
		if o.GetLogin() == allowed {
			return true, nil
		}
	}
	return false, nil
}
`;
    const findings = check(RULE, 'go', src);
    expect(lines(findings)).toEqual([4]);
    expect(findings[0]?.body).toContain('one page of 30 items');
  });

  it('flags S3 and Stripe lists in Python and an AWS SDK v3 command in TypeScript', () => {
    const py = `import boto3
import stripe

def keys(bucket):
    resp = boto3.client("s3").list_objects_v2(Bucket=bucket)
    return [o["Key"] for o in resp.get("Contents", [])]

def customers():
    return stripe.Customer.list().data
`;
    expect(lines(check(RULE, 'python', py))).toEqual([5, 9]);
    const ts = `import { S3Client, ListObjectsV2Command } from '@aws-sdk/client-s3';
export async function keys(s3: S3Client, Bucket: string) {
  const out = await s3.send(new ListObjectsV2Command({ Bucket }));
  return (out.Contents ?? []).map((o) => o.Key);
}
`;
    expect(lines(check(RULE, 'typescript', ts))).toEqual([3]);
  });

  it('flags a Java S3 listing and a Stripe list', () => {
    const src = `class Sync {
  List<String> keys(S3Client s3, String bucket) {
    return s3.listObjectsV2(ListObjectsV2Request.builder().bucket(bucket).build()).contents().stream().map(S3Object::key).toList();
  }
  List<Customer> all() throws StripeException {
    return Customer.list(new HashMap<>()).getData();
  }
}
`;
    expect(lines(check(RULE, 'java', src))).toEqual([3, 6]);
  });

  it('stays silent with a paginator, a continuation token, auto-paging, a page size, or a first-element lookup', () => {
    const paginator = `def keys(s3, bucket):
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        yield from page.get("Contents", [])
    s3.list_objects_v2(Bucket=bucket)
`;
    expect(check(RULE, 'python', paginator)).toEqual([]);
    const limited = `import stripe

def exists(email):
    return len(stripe.Customer.list(email=email, limit=1).data) > 0

def first(email):
    return stripe.Customer.list(email=email).data[0]
`;
    expect(check(RULE, 'python', limited)).toEqual([]);
    const autoPaging = `export async function all(stripe) {
  const out = [];
  for await (const c of stripe.customers.list()) out.push(c);
  return out;
}
`;
    expect(check(RULE, 'typescript', autoPaging)).toEqual([]);
    const goPages = `package github

func all(ctx context.Context, client *github.Client) ([]*github.Organization, error) {
	opt := &github.ListOptions{PerPage: 100}
	var out []*github.Organization
	for {
		orgs, resp, err := client.Organizations.List(ctx, "", opt)
		if err != nil {
			return nil, err
		}
		out = append(out, orgs...)
		if resp.NextPage == 0 {
			return out, nil
		}
		opt.Page = resp.NextPage
	}
}
`;
    expect(check(RULE, 'go', goPages)).toEqual([]);
  });

  it('does not take SQL row scans or other list methods for paginated SDK calls', () => {
    const src = `package store

func names(rows *sql.Rows, svc *Service) []string {
	var out []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		out = append(out, n)
	}
	svc.List()
	return out
}
`;
    expect(check(RULE, 'go', src)).toEqual([]);
  });
});
