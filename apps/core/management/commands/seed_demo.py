"""Load the demo county (东海县总工会) once; running it again changes nothing.

Each app that has demo data provides `apps.<app>.demo.seed(stdout)`; they run in the order
of INSTALLED_APPS, which is the dependency order.
"""

from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# Every demo account has this password; the demo is for trying the portal, never production.
DEMO_PASSWORD = "demo-2026"


class Command(BaseCommand):
    help = "Create the demo county with its townships, unions and demo users (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even when DEBUG is off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo creates demo accounts with a known password; use --force outside DEBUG.")
        logins = []
        with transaction.atomic():
            for app_config in apps.get_app_configs():
                if not app_config.name.startswith("apps."):
                    continue
                try:
                    demo = import_module(f"{app_config.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{app_config.name}.demo":
                        raise
                    continue
                logins.extend(demo.seed() or [])
        self.stdout.write(self.style.SUCCESS("Demo county ready. Demo logins (password for all: %s):" % DEMO_PASSWORD))
        for username, description in logins:
            self.stdout.write(f"  {username:<12} {description}")
