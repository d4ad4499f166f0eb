"""
sync_customer command.
"""

import stripe
from django.core.management.base import BaseCommand, CommandError

from ...settings import djstripe_settings
from ...sync import sync_subscriber


class Command(BaseCommand):
    """Sync subscriber data with stripe."""

    help = "Sync subscriber data with stripe."

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit",
            type=int,
            default=None,
            help="Sync at most this many subscribers (default: all).",
        )

    def handle(self, *args, **options):
        """Call sync_subscriber on Subscribers without customers associated to them.

        A subscriber whose sync fails is reported and skipped so one bad record
        does not stop the run; the command fails at the end if any did.
        """
        limit = options["limit"]
        if limit is not None and limit < 1:
            raise CommandError("--limit must be a positive integer")
        qs = djstripe_settings.get_subscriber_model().objects.filter(
            djstripe_customers__isnull=True
        ).order_by("pk")
        if limit is not None:
            qs = qs[:limit]
        count = 0
        failed = []
        total = qs.count()
        for subscriber in qs.iterator():
            count += 1
            pc = int(round(100 * (float(count) / float(total))))
            self.stdout.write(
                f"[{count}/{total} {pc}%] Syncing {subscriber.email} [{subscriber.pk}]"
            )
            try:
                sync_subscriber(subscriber)
            except stripe.StripeError as error:
                failed.append(subscriber.pk)
                self.stderr.write(f"  failed: {error.user_message or error}")
        if failed:
            raise CommandError(
                f"{len(failed)} of {total} subscribers failed to sync: {failed}"
            )
