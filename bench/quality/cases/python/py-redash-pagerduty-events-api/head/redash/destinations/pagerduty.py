import logging

import requests

from redash.destinations import BaseDestination, register

EVENTS_API_URL = "https://events.pagerduty.com/v2/enqueue"
MAX_ATTEMPTS = 3


class PagerDuty(BaseDestination):
    KEY_STRING = "{alert_id}_{query_id}"
    DESCRIPTION_STR = "Alert: {alert_name}"

    @classmethod
    def configuration_schema(cls):
        return {
            "type": "object",
            "properties": {
                "integration_key": {
                    "type": "string",
                    "title": "PagerDuty Service Integration Key",
                },
                "description": {
                    "type": "string",
                    "title": "Description for the event, defaults to alert name",
                },
            },
            "secret": ["integration_key"],
            "required": ["integration_key"],
        }

    @classmethod
    def icon(cls):
        return "creative-commons-pd-alt"

    def notify(self, alert, query, user, new_state, app, host, metadata, options):
        if alert.custom_subject:
            default_desc = alert.custom_subject
        elif options.get("description"):
            default_desc = options.get("description")
        else:
            default_desc = self.DESCRIPTION_STR.format(alert_name=alert.name)

        incident_key = self.KEY_STRING.format(alert_id=alert.id, query_id=query.id)
        data = {
            "routing_key": options.get("integration_key"),
            "incident_key": incident_key,
            "dedup_key": incident_key,
            "payload": {
                "summary": default_desc,
                "severity": "error",
                "source": "redash",
            },
        }

        if alert.custom_body:
            data["payload"]["custom_details"] = alert.custom_body

        if new_state == "triggered":
            data["event_action"] = "trigger"
        elif new_state == "unknown":
            logging.info("Unknown state, doing nothing")
            return
        else:
            data["event_action"] = "resolve"

        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                resp = requests.post(EVENTS_API_URL, json=data, timeout=5.0)
            except requests.RequestException:
                logging.exception("PagerDuty request failed (attempt %d)", attempt)
                continue
            if resp.status_code == 202:
                return
            logging.error(
                "PagerDuty rejected event %s: %s %s",
                data,
                resp.status_code,
                resp.text,
            )
            if resp.status_code != 429 and resp.status_code < 500:
                return
        logging.error("PagerDuty trigger failed after %d attempts", MAX_ATTEMPTS)


register(PagerDuty)
