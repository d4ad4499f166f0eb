"""Nightly job: push paid orders from our database to the fulfilment partner."""
import logging
import os

import requests

log = logging.getLogger(__name__)

FULFILMENT_URL = os.environ.get("FULFILMENT_URL", "https://fulfilment.example.com/api/orders")


def fetch_paid_orders(conn):
    with conn.cursor() as cur:
        cur.execute("SELECT id, customer_email, total_cents FROM orders WHERE status = %s", ("paid",))
        return cur.fetchall()


def push_order(session, order):
    resp = session.post(
        FULFILMENT_URL,
        json={"order_id": order[0], "email": order[1], "total_cents": order[2]},
        timeout=(3.05, 10),
    )
    resp.raise_for_status()
    return resp.json()


def sync(conn, session):
    pushed = 0
    for order in fetch_paid_orders(conn):
        push_order(session, order)
        pushed += 1
    log.info("pushed %d orders", pushed)
    return pushed
