from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print the demo sign-ins (they exist only in a demo-seeded database)."

    def handle(self, *args: Any, **options: Any) -> None:
        from civitas.accounts.models import User

        names = ["admin", "staff", "organizer", "volunteer", "auditor"]
        present = set(User.objects.filter(username__in=names).values_list("username", flat=True))
        if not present:
            return
        roles = {
            "admin": "city committee staff and site administrator",
            "staff": "district committee staff (Donghu District)",
            "organizer": "administrator of a volunteer team",
            "volunteer": "a volunteer",
            "auditor": "read-only auditor",
        }
        self.stdout.write("Demo sign-ins (password: {}):".format(settings.CIVITAS["DEMO_PASSWORD"]))
        for name in names:
            if name in present:
                self.stdout.write(f"  {name:<10} {roles[name]}")
