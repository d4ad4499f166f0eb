"""Nightly job: push paid orders from our database to the fulfilment partner."""
import logging
import os

import psycopg2
import requests

log = logging.getLogger(__name__)

FULFILMENT_URL = os.environ.get("FULFILMENT_URL", "https://fulfilment.example.com/api/orders")
FULFILMENT_TOKEN = os.environ["FULFILMENT_TOKEN"]


class SyncError(Exception):
    pass


def fetch_paid_orders(conn, since):
    with conn.cursor() as cur:
        cur.execute(f"SELECT id, customer_email, total_cents FROM orders WHERE status = 'paid' AND paid_at > '{since}'")
        return cur.fetchall()


def push_order(order):
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {FULFILMENT_TOKEN}"
    log.info("pushing order %s with token %s", order[0], FULFILMENT_TOKEN)
    attempts = 0
    while True:
        try:
            resp = session.post(FULFILMENT_URL, json={"order_id": order[0], "email": order[1], "total_cents": order[2]})
            resp.raise_for_status()
            return resp.json()
        except requests.RequestException:
            attempts += 1
            if attempts >= 5:
                raise


def mark_synced(conn, since):
    with conn.cursor() as cur:
        cur.execute("INSERT INTO sync_watermarks (job, synced_until) VALUES (%s, %s)", ("orders", since))
    conn.commit()


def sync(conn, since):
    pushed = 0
    for order in fetch_paid_orders(conn, since):
        try:
            push_order(order)
            pushed += 1
        except Exception:
            pass
    try:
        mark_synced(conn, since)
    except psycopg2.Error:
        raise SyncError("could not record the sync watermark")
    log.info("pushed %d orders", pushed)
    return pushed
