"""
Webhook event handlers for the various models
Stripe docs for Events: https://stripe.com/docs/api/events
Stripe docs for Webhooks: https://stripe.com/docs/webhooks
TODO: Implement webhook event handlers for all the models that need to
      respond to webhook events.
NOTE:
    Event data is not guaranteed to be in the correct API version format.
    See #116. When writing a webhook handler, make sure to first
    re-retrieve the object you wish to process.
"""

import logging
from enum import Enum

from django.core.exceptions import ObjectDoesNotExist
from django.dispatch import receiver
from stripe import InvalidRequestError

from djstripe.models import Event
from djstripe.settings import djstripe_settings

from . import models
from ._stripe_errors import object_is_absent
from .enums import PayoutType
from .signals import WEBHOOK_SIGNALS

logger = logging.getLogger(__name__)


def update_customer_helper(metadata, customer_id, subscriber_key):
    """
    A helper function that updates customer's subscriber and metadata fields
    """

    # only update customer.subscriber if both the customer and subscriber already exist
    subscriber_id = metadata.get(subscriber_key, "")
    if subscriber_key not in ("", None) and subscriber_id and customer_id:
        subscriber_model = djstripe_settings.get_subscriber_model()

        try:
            # subscriber_id is the subscriber's pk (see Customer.create), which
            # is not necessarily a field named "id" on custom user models.
            subscriber = subscriber_model.objects.get(pk=subscriber_id)
            customer = models.Customer.objects.get(id=customer_id)
        except (ObjectDoesNotExist, ValueError):
            pass
        else:
            customer.subscriber = subscriber
            customer.metadata = metadata
            customer.save()


def djstripe_receiver(signal_names):
    """
    A wrapper around django's receiver to do some error checking.

    Ultimately connects event handlers to Django signals.

    Usage:
    Apply this decorator to a function, providing the 'signal_names.'
    It connects the function to the specified signal if 'signal_name' is enabled.

    Parameters:
    - signal_names (list or tuple or str): List or tuple of event names or just the event name itself.

    Example:
    @djstripe_receiver("my_signal")
    def my_event_handler(sender, event, **kwargs):
        # Custom event handling logic here

    @djstripe_receiver(["my_signal_1", "my_signal_2"])
    def my_event_handler(sender, event, **kwargs):
        # Custom event handling logic here

    """

    def _check_signal_exists(signal_name):
        """Helper function to make sure user does not register any event we do not yet support."""
        signal = WEBHOOK_SIGNALS.get(signal_name)
        if not signal:
            raise RuntimeError(
                f"Event '{signal_name}' is not enabled. This is a dj-stripe bug! Please raise a ticket and our maintainers will get right to it."
            )
        return signal

    signals = []
    if isinstance(signal_names, (list, tuple)):
        for signal_name in signal_names:
            signals.append(_check_signal_exists(signal_name))
    else:
        signals.append(_check_signal_exists(signal_names))

    def inner(handler, **kwargs):
        """
        Connectes the given handler to the given signal
        """
        # same as decorating the handler with receiver
        handler = receiver(signals, sender=Event, **kwargs)(handler)
        return handler

    return inner


@djstripe_receiver(["customer.created", "customer.updated", "customer.deleted"])
def handle_customer_event(sender, event, **kwargs):
    """Handle updates to customer objects.

    First determines the crud_type and then handles the event if a customer
    exists locally.
    As customers are tied to local users, djstripe will not create customers that
    do not already exist locally.

    And updates to the subscriber model and metadata fields of customer if present
    in checkout.sessions metadata key.

    Docs and an example customer webhook response:
    https://stripe.com/docs/api#customer_object
    """
    # will recieve all events of the type customer.X.Y so
    # need to ensure the data object is related to Customer Object
    target_object_type = event.data.get("object", {}).get("object", {})

    if event.customer and target_object_type == "customer":
        metadata = event.data.get("object", {}).get("metadata", {})
        customer_id = event.data.get("object", {}).get("id", "")
        subscriber_key = djstripe_settings.SUBSCRIBER_CUSTOMER_KEY
        # only update customer.subscriber if both the customer and subscriber already exist
        update_customer_helper(metadata, customer_id, subscriber_key)

        _handle_crud_like_event(target_cls=models.Customer, event=event)


@djstripe_receiver("customer.subscription.created")
@djstripe_receiver("customer.subscription.deleted")
@djstripe_receiver("customer.subscription.paused")
@djstripe_receiver("customer.subscription.pending_update_applied")
@djstripe_receiver("customer.subscription.pending_update_expired")
@djstripe_receiver("customer.subscription.resumed")
@djstripe_receiver("customer.subscription.trial_will_end")
@djstripe_receiver("customer.subscription.updated")
def handle_customer_subscription_event(sender, event, **kwargs):
    """Handle updates to customer subscription objects.

    Docs an example subscription webhook response:
    https://stripe.com/docs/api#subscription_object
    """

    # customer.subscription.deleted doesn't actually delete the subscription
    # on the stripe side, it updates it to canceled status, so override
    # crud_type to update to match.
    crud_type = CrudType.determine(event=event)
    if crud_type is CrudType.DELETED:
        crud_type = CrudType.UPDATED
    _handle_crud_like_event(
        target_cls=models.Subscription, event=event, crud_type=crud_type
    )


@djstripe_receiver("customer.tax_id.created")
@djstripe_receiver("customer.tax_id.deleted")
@djstripe_receiver("customer.tax_id.updated")
def handle_customer_tax_id_event(sender, event, **kwargs):
    """
    Handle updates to customer tax ID objects.
    """
    _handle_crud_like_event(
        target_cls=models.TaxId, event=event, crud_type=CrudType.determine(event=event)
    )


@djstripe_receiver("identity.verification_session.canceled")
@djstripe_receiver("identity.verification_session.created")
@djstripe_receiver("identity.verification_session.processing")
@djstripe_receiver("identity.verification_session.redacted")
@djstripe_receiver("identity.verification_session.requires_input")
@djstripe_receiver("identity.verification_session.verified")
def handle_identity_verification_session_event(sender, event, **kwargs):
    """
    Handle updates to Stripe Identity Verification Session objects.

    Docs: https://stripe.com/docs/api/identity/verification_sessions
    """
    _handle_crud_like_event(target_cls=models.VerificationSession, event=event)


@djstripe_receiver("payment_method.attached")
@djstripe_receiver("payment_method.automatically_updated")
@djstripe_receiver("payment_method.detached")
@djstripe_receiver("payment_method.updated")
def handle_payment_method_event(sender, event, **kwargs):
    """
    Handle updates to payment_method objects
    :param event:
    :return:

    Docs for:
    - payment_method: https://stripe.com/docs/api/payment_methods
    """
    # will recieve all events of the type payment_method.X.Y so
    # need to ensure the data object is related to PaymentMethod Object
    target_object_type = event.data.get("object", {}).get("object", {})

    if target_object_type == "payment_method":
        id_ = event.data.get("object", {}).get("id", None)

        if event.parts == ["payment_method", "detached"]:
            if id_ and id_.startswith("card_"):
                # Stripe wraps legacy "card" objects as payment_methods, but
                # deletes the card on detach, so treat this as a delete event.
                _handle_crud_like_event(
                    target_cls=models.PaymentMethod,
                    event=event,
                    crud_type=CrudType.DELETED,
                )
            else:
                # A detach's only state change is customer=null, which the event
                # payload already carries, so sync straight from it instead of
                # re-retrieving. This also sidesteps detached legacy sources
                # (src_…), which are wrapped as payment_methods but 404 on the
                # payment_methods endpoint and would otherwise crash the webhook.
                models.PaymentMethod.sync_from_stripe_data(
                    event.data["object"], api_key=event.default_api_key
                )
        else:
            _handle_crud_like_event(target_cls=models.PaymentMethod, event=event)


@djstripe_receiver("account.external_account.created")
@djstripe_receiver("account.external_account.deleted")
@djstripe_receiver("account.external_account.updated")
def handle_account_external_account_event(sender, event, **kwargs):
    """
    Handles updates to Connected Accounts External Accounts
    """
    source_type = event.data.get("object", {}).get("object")
    if source_type == PayoutType.card:
        _handle_crud_like_event(target_cls=models.Card, event=event)

    if source_type == PayoutType.bank_account:
        _handle_crud_like_event(target_cls=models.BankAccount, event=event)


@djstripe_receiver("account.updated")
def handle_account_updated_event(sender, event, **kwargs):
    """
    Handles updates to Connected Accounts
        - account: https://stripe.com/docs/api/accounts
    """
    _handle_crud_like_event(
        target_cls=models.Account,
        event=event,
        crud_type=CrudType.UPDATED,
    )
