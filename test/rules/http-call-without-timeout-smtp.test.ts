import { describe, expect, it } from 'vitest';
import { check, lines } from '../helpers/rules.js';

const RULE = 'http-call-without-timeout';

describe('http-call-without-timeout (SMTP)', () => {
  it('flags smtplib.SMTP without timeout, not with one', () => {
    const src = `import smtplib
from smtplib import SMTP_SSL

def send(msg):
    with smtplib.SMTP(HOST, 587) as s:
        s.send_message(msg)
    with SMTP_SSL(HOST, 465, timeout=10) as s:
        s.send_message(msg)
    with smtplib.SMTP(HOST, 25, None, 10) as s:
        s.send_message(msg)
`;
    const findings = check(RULE, 'python', src);
    expect(lines(findings)).toEqual([5]);
    expect(findings[0]?.title).toBe('SMTP connection without a timeout');
  });

  it('flags Go net/smtp SendMail, and Dial unless the file sets deadlines', () => {
    const src = `package mail

import "net/smtp"

func Send(addr string, auth smtp.Auth, to []string, body []byte) error {
	return smtp.SendMail(addr, auth, "noreply@example.com", to, body)
}

func Open(addr string) (*smtp.Client, error) {
	return smtp.Dial(addr)
}
`;
    expect(lines(check(RULE, 'go', src))).toEqual([6, 10]);
    const withDeadline = `package mail

import (
	"net"
	"net/smtp"
	"time"
)

func Open(addr, host string) (*smtp.Client, error) {
	conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return nil, err
	}
	conn.SetDeadline(time.Now().Add(30 * time.Second))
	return smtp.NewClient(conn, host)
}
`;
    expect(check(RULE, 'go', withDeadline)).toEqual([]);
  });

  it('flags a JavaMail session and a JavaMailSenderImpl without timeout properties', () => {
    const src = `class MailConfig {
  Session session() {
    Properties props = new Properties();
    props.put("mail.smtp.host", host);
    return Session.getInstance(props);
  }
  JavaMailSender sender() {
    JavaMailSenderImpl sender = new JavaMailSenderImpl();
    sender.setHost(host);
    return sender;
  }
}
`;
    expect(lines(check(RULE, 'java', src))).toEqual([5, 8]);
    const bounded = src.replace('props.put("mail.smtp.host", host);', 'props.put("mail.smtp.host", host);\n    props.put("mail.smtp.timeout", "10000");');
    expect(check(RULE, 'java', bounded)).toEqual([]);
  });
});
