import hashlib
import hmac
import logging
import time

import requests
from requests.auth import HTTPBasicAuth

from redash.destinations import BaseDestination, register
from redash.serializers import serialize_alert
from redash.utils import json_dumps


class Webhook(BaseDestination):
    @classmethod
    def configuration_schema(cls):
        return {
            "type": "object",
            "properties": {
                "url": {"type": "string"},
                "username": {"type": "string"},
                "password": {"type": "string"},
                "signing_secret": {
                    "type": "string",
                    "title": "Signing secret (adds X-Redash-Signature header)",
                },
            },
            "required": ["url"],
            "secret": ["password", "url", "signing_secret"],
        }

    @staticmethod
    def signature_headers(secret, body):
        """Headers that let the receiver verify the payload came from this Redash.

        The signature is HMAC-SHA256 over "<timestamp>.<body>", so receivers can
        also reject replays of old deliveries.
        """
        timestamp = str(int(time.time()))
        digest = hmac.new(
            secret.encode("utf-8"),
            timestamp.encode("ascii") + b"." + body,
            hashlib.sha256,
        ).hexdigest()
        return {
            "X-Redash-Timestamp": timestamp,
            "X-Redash-Signature": f"sha256={digest}",
        }

    @classmethod
    def icon(cls):
        return "fa-bolt"

    def notify(self, alert, query, user, new_state, app, host, metadata, options):
        try:
            data = {
                "event": "alert_state_change",
                "alert": serialize_alert(alert, full=False),
                "url_base": host,
                "metadata": metadata,
            }

            data["alert"]["description"] = alert.custom_body
            data["alert"]["title"] = alert.custom_subject

            body = json_dumps(data).encode("utf-8")
            headers = {"Content-Type": "application/json"}
            if options.get("signing_secret"):
                headers.update(self.signature_headers(options["signing_secret"], body))
            auth = HTTPBasicAuth(options.get("username"), options.get("password")) if options.get("username") else None
            resp = requests.post(
                options.get("url"),
                data=body,
                auth=auth,
                headers=headers,
                timeout=5.0,
            )
            if resp.status_code != 200:
                logging.error("webhook send ERROR. status_code => {status}".format(status=resp.status_code))
        except Exception:
            logging.exception("webhook send ERROR.")


register(Webhook)
