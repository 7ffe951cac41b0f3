"""Permission names in Chinese, as the group and user pages of Django admin list them.

Django writes a model's default permissions as "Can add member" (English, whatever the language)
and a model's own permissions in the language of `migrate` (English too); admin shows the stored
name. After each app's migrations (post_migrate, after Django has created the permissions) the
names are rewritten from the models: "可以添加 会员", and a model's own permissions as their
translation. Idempotent: only names that differ are written, so a second migrate writes nothing.
"""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, router
from django.utils import translation

ACTIONS = {"add": "添加", "change": "修改", "delete": "删除", "view": "查看"}


def permission_names(model) -> dict[str, str]:
    """Codename → Chinese name of each permission of a model (in the portal's language)."""
    opts = model._meta
    with translation.override(settings.LANGUAGE_CODE):
        names = {
            f"{action}_{opts.model_name}": f"可以{ACTIONS[action]} {opts.verbose_name}"
            for action in opts.default_permissions
            if action in ACTIONS
        }
        names.update({codename: str(name) for codename, name in opts.permissions})
    # auth_permission.name holds 255 characters.
    return {codename: name[:255] for codename, name in names.items()}


def name_permissions_in_chinese(app_config, using=DEFAULT_DB_ALIAS, **kwargs):
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    if app_config.models_module is None or not router.allow_migrate_model(using, Permission):
        return
    changed = []
    for model in app_config.get_models():
        names = permission_names(model)
        content_type = ContentType.objects.db_manager(using).get_for_model(model, for_concrete_model=False)
        for permission in Permission.objects.using(using).filter(content_type=content_type, codename__in=names):
            if permission.name != names[permission.codename]:
                permission.name = names[permission.codename]
                changed.append(permission)
    Permission.objects.using(using).bulk_update(changed, ["name"])
