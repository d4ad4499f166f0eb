import type { RuleLanguage } from '../../diff/types.js';
import { languageFamily, type LanguageFamily } from '../ast/function-scope.js';

/** A third-party vendor SDK: its display name and the words a module wrapping it is usually named with. */
export interface VendorSdk {
  name: string;
  /** Lowercase words of file/folder names that say "this module is the adapter for this vendor". */
  keys: readonly string[];
}

interface Entry {
  /** Exact module, or a prefix when it ends with `/` or `.` (or `*` for "starts with"). */
  modules: readonly string[];
  sdk: VendorSdk;
}

const STRIPE: VendorSdk = { name: 'Stripe', keys: ['stripe'] };
const AWS: VendorSdk = {
  name: 'AWS',
  keys: ['aws', 's3', 'dynamo', 'dynamodb', 'sqs', 'sns', 'ses', 'lambda', 'kinesis', 'sts', 'cognito', 'boto', 'boto3'],
};
const TWILIO: VendorSdk = { name: 'Twilio', keys: ['twilio'] };
const SLACK: VendorSdk = { name: 'Slack', keys: ['slack'] };
const SENDGRID: VendorSdk = { name: 'SendGrid', keys: ['sendgrid'] };
const SALESFORCE: VendorSdk = { name: 'Salesforce', keys: ['salesforce', 'sfdc', 'jsforce'] };
const BRAINTREE: VendorSdk = { name: 'Braintree', keys: ['braintree'] };
const PAYPAL: VendorSdk = { name: 'PayPal', keys: ['paypal'] };
const GITHUB: VendorSdk = { name: 'GitHub (Octokit)', keys: ['github', 'octokit'] };
const OPENAI: VendorSdk = { name: 'OpenAI', keys: ['openai', 'gpt', 'llm'] };
const ANTHROPIC: VendorSdk = { name: 'Anthropic', keys: ['anthropic', 'claude', 'llm'] };
const GOOGLE: VendorSdk = { name: 'Google Cloud', keys: ['google', 'gcp', 'gcs', 'bigquery', 'pubsub', 'firebase', 'firestore'] };
const AZURE: VendorSdk = { name: 'Azure', keys: ['azure', 'blob'] };
const PLAID: VendorSdk = { name: 'Plaid', keys: ['plaid'] };
const HUBSPOT: VendorSdk = { name: 'HubSpot', keys: ['hubspot'] };
const MAILCHIMP: VendorSdk = { name: 'Mailchimp', keys: ['mailchimp'] };
const MAILGUN: VendorSdk = { name: 'Mailgun', keys: ['mailgun'] };
const TENCENT: VendorSdk = { name: 'Tencent Cloud', keys: ['tencent', 'qcloud', 'tencentcloud'] };
const ALIYUN: VendorSdk = { name: 'Alibaba Cloud', keys: ['aliyun', 'alibaba', 'alibabacloud', 'alipay'] };
const RESEND: VendorSdk = { name: 'Resend', keys: ['resend'] };
const POSTMARK: VendorSdk = { name: 'Postmark', keys: ['postmark'] };
const VONAGE: VendorSdk = { name: 'Vonage', keys: ['vonage', 'nexmo'] };
const ADYEN: VendorSdk = { name: 'Adyen', keys: ['adyen'] };
const SQUARE: VendorSdk = { name: 'Square', keys: ['square'] };
const RAZORPAY: VendorSdk = { name: 'Razorpay', keys: ['razorpay'] };
const MOLLIE: VendorSdk = { name: 'Mollie', keys: ['mollie'] };

const CATALOG: Record<LanguageFamily, readonly Entry[]> = {
  js: [
    { modules: ['stripe'], sdk: STRIPE },
    { modules: ['@aws-sdk/', 'aws-sdk', 'aws-sdk/'], sdk: AWS },
    { modules: ['twilio', 'twilio/'], sdk: TWILIO },
    { modules: ['@slack/'], sdk: SLACK },
    { modules: ['@sendgrid/', 'sendgrid'], sdk: SENDGRID },
    { modules: ['jsforce'], sdk: SALESFORCE },
    { modules: ['braintree'], sdk: BRAINTREE },
    { modules: ['@paypal/', 'paypal-rest-sdk'], sdk: PAYPAL },
    { modules: ['@octokit/', 'octokit'], sdk: GITHUB },
    { modules: ['openai', 'openai/'], sdk: OPENAI },
    { modules: ['@anthropic-ai/sdk', '@anthropic-ai/sdk/'], sdk: ANTHROPIC },
    { modules: ['googleapis', '@google-cloud/', 'firebase-admin', 'firebase-admin/'], sdk: GOOGLE },
    { modules: ['@azure/'], sdk: AZURE },
    { modules: ['plaid'], sdk: PLAID },
    { modules: ['@hubspot/api-client'], sdk: HUBSPOT },
    { modules: ['@mailchimp/'], sdk: MAILCHIMP },
    { modules: ['mailgun.js'], sdk: MAILGUN },
    { modules: ['tencentcloud-sdk-nodejs', 'tencentcloud-sdk-nodejs/', 'qcloudsms_js'], sdk: TENCENT },
    { modules: ['@alicloud/', 'ali-oss', '@alipay/'], sdk: ALIYUN },
    { modules: ['resend'], sdk: RESEND },
    { modules: ['postmark'], sdk: POSTMARK },
    { modules: ['@vonage/', 'nexmo'], sdk: VONAGE },
    { modules: ['@adyen/api-library'], sdk: ADYEN },
    { modules: ['square'], sdk: SQUARE },
    { modules: ['razorpay'], sdk: RAZORPAY },
    { modules: ['@mollie/api-client'], sdk: MOLLIE },
  ],
  python: [
    { modules: ['stripe', 'stripe.'], sdk: STRIPE },
    { modules: ['boto3', 'boto3.', 'botocore', 'botocore.', 'aioboto3', 'mypy_boto3_*', 'types_aiobotocore_*'], sdk: AWS },
    { modules: ['twilio', 'twilio.'], sdk: TWILIO },
    { modules: ['slack_sdk', 'slack_sdk.', 'slack_bolt', 'slack_bolt.'], sdk: SLACK },
    { modules: ['sendgrid', 'sendgrid.'], sdk: SENDGRID },
    { modules: ['simple_salesforce', 'simple_salesforce.'], sdk: SALESFORCE },
    { modules: ['braintree', 'braintree.'], sdk: BRAINTREE },
    { modules: ['paypalrestsdk', 'paypalcheckoutsdk', 'paypalcheckoutsdk.'], sdk: PAYPAL },
    { modules: ['openai', 'openai.'], sdk: OPENAI },
    { modules: ['anthropic', 'anthropic.'], sdk: ANTHROPIC },
    { modules: ['googleapiclient', 'googleapiclient.', 'google.cloud', 'google.cloud.', 'firebase_admin', 'firebase_admin.'], sdk: GOOGLE },
    { modules: ['azure.'], sdk: AZURE },
    { modules: ['plaid', 'plaid.'], sdk: PLAID },
    { modules: ['hubspot', 'hubspot.'], sdk: HUBSPOT },
    { modules: ['mailchimp_marketing', 'mailchimp_transactional'], sdk: MAILCHIMP },
    { modules: ['tencentcloud', 'tencentcloud.', 'qcloudsms_py'], sdk: TENCENT },
    { modules: ['aliyunsdkcore', 'aliyunsdkcore.', 'alibabacloud_*', 'oss2', 'alipay', 'alipay.'], sdk: ALIYUN },
    { modules: ['resend'], sdk: RESEND },
    { modules: ['postmarker', 'postmarker.'], sdk: POSTMARK },
    { modules: ['vonage', 'vonage.'], sdk: VONAGE },
    { modules: ['Adyen', 'Adyen.'], sdk: ADYEN },
    { modules: ['razorpay', 'razorpay.'], sdk: RAZORPAY },
    { modules: ['mollie', 'mollie.'], sdk: MOLLIE },
  ],
  go: [
    { modules: ['github.com/stripe/stripe-go*'], sdk: STRIPE },
    { modules: ['github.com/aws/aws-sdk-go*'], sdk: AWS },
    { modules: ['github.com/slack-go/slack*'], sdk: SLACK },
    { modules: ['github.com/twilio/twilio-go*'], sdk: TWILIO },
    { modules: ['github.com/sendgrid/sendgrid-go*'], sdk: SENDGRID },
    { modules: ['github.com/google/go-github*'], sdk: GITHUB },
    { modules: ['github.com/sashabaranov/go-openai*', 'github.com/openai/openai-go*'], sdk: OPENAI },
    { modules: ['github.com/anthropics/anthropic-sdk-go*'], sdk: ANTHROPIC },
    { modules: ['cloud.google.com/go/', 'google.golang.org/api/', 'firebase.google.com/go*'], sdk: GOOGLE },
    { modules: ['github.com/Azure/azure-sdk-for-go*'], sdk: AZURE },
    { modules: ['github.com/plaid/plaid-go*'], sdk: PLAID },
    { modules: ['github.com/tencentcloud/tencentcloud-sdk-go*'], sdk: TENCENT },
    { modules: ['github.com/aliyun/', 'github.com/alibabacloud-go/'], sdk: ALIYUN },
    { modules: ['github.com/adyen/adyen-go-api-library*'], sdk: ADYEN },
  ],
  java: [
    { modules: ['com.stripe.'], sdk: STRIPE },
    { modules: ['com.amazonaws.', 'software.amazon.awssdk.'], sdk: AWS },
    { modules: ['com.twilio.'], sdk: TWILIO },
    { modules: ['com.slack.api.'], sdk: SLACK },
    { modules: ['com.sendgrid.'], sdk: SENDGRID },
    { modules: ['com.braintreegateway.'], sdk: BRAINTREE },
    { modules: ['com.paypal.'], sdk: PAYPAL },
    { modules: ['org.kohsuke.github.'], sdk: GITHUB },
    { modules: ['com.openai.'], sdk: OPENAI },
    { modules: ['com.anthropic.'], sdk: ANTHROPIC },
    { modules: ['com.google.cloud.', 'com.google.api.services.', 'com.google.firebase.'], sdk: GOOGLE },
    { modules: ['com.azure.'], sdk: AZURE },
    { modules: ['com.plaid.'], sdk: PLAID },
    { modules: ['com.tencentcloudapi.', 'com.github.qcloudsms.', 'com.qcloud.'], sdk: TENCENT },
    { modules: ['com.aliyun.', 'com.aliyuncs.', 'com.alipay.api.'], sdk: ALIYUN },
    { modules: ['com.vonage.'], sdk: VONAGE },
    { modules: ['com.adyen.'], sdk: ADYEN },
    { modules: ['com.squareup.square.'], sdk: SQUARE },
    { modules: ['com.razorpay.'], sdk: RAZORPAY },
    { modules: ['be.woutschoovaerts.mollie.'], sdk: MOLLIE },
  ],
};

function matches(pattern: string, module: string): boolean {
  if (pattern.endsWith('*')) return module.startsWith(pattern.slice(0, -1));
  if (pattern.endsWith('/') || pattern.endsWith('.')) return module.startsWith(pattern);
  return module === pattern;
}

/**
 * The vendor SDK a module belongs to, or undefined for anything else (the project's own code, the
 * standard library, frameworks, ORMs).
 * @example vendorOfModule('typescript', '@aws-sdk/client-s3') // { name: 'AWS', … }
 */
export function vendorOfModule(language: RuleLanguage, module: string): VendorSdk | undefined {
  return CATALOG[languageFamily(language)].find((e) => e.modules.some((p) => matches(p, module)))?.sdk;
}

/**
 * Every vendor SDK of the catalogue, once each, with the id `architecture:` rules name it by (`vendor:stripe`,
 * `vendor:aws`, `vendor:github`): the display name in lower case without spaces or what is in parentheses.
 */
export function vendorSdks(): Array<VendorSdk & { id: string }> {
  const seen = new Map<string, VendorSdk & { id: string }>();
  for (const entries of Object.values(CATALOG)) {
    for (const e of entries) if (!seen.has(e.sdk.name)) seen.set(e.sdk.name, { ...e.sdk, id: vendorId(e.sdk) });
  }
  return [...seen.values()];
}

/** `GitHub (Octokit)` → `github`, `Google Cloud` → `googlecloud`. */
export function vendorId(sdk: VendorSdk): string {
  return sdk.name.replace(/\(.*?\)/g, '').toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * Vendors whose SDK is a family of unrelated services (S3 and CloudWatch are both `AWS`): an adapter or a
 * client of one of them says nothing about the others.
 */
export const UMBRELLA_VENDORS: ReadonlySet<string> = new Set(['AWS', 'Google Cloud', 'Azure', 'Alibaba Cloud', 'Tencent Cloud']);
