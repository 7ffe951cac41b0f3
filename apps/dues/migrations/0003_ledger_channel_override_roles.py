from django.db import migrations

from apps.accounts.roles import sync_roles_migration


class Migration(migrations.Migration):
    """County staff set an enterprise's fund channel (ChannelOverride): the role's permissions."""

    dependencies = [("dues", "0002_default_share_out_roles")]

    operations = [migrations.RunPython(sync_roles_migration, migrations.RunPython.noop)]
