from django.core.management.base import BaseCommand

from signatures import outbox


class Command(BaseCommand):
    help = (
        "Give a new delivery task to every undelivered mail whose attempt is overdue by more "
        "than MAIL_REQUEUE_AFTER_SECONDS (its task was lost). Run it every few minutes beside "
        "the db_worker, e.g. from cron or a loop in the worker container."
    )

    def handle(self, **options):
        count = outbox.requeue_overdue()
        self.stdout.write(f"Re-enqueued {count} overdue mail(s).")
