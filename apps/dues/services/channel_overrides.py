"""An enterprise that pays its union fund by another channel than its kind says, and why."""

from django.core.exceptions import ValidationError
from django.db import transaction

from apps.core.history import acting_user

from ..models import ChannelOverride


@transaction.atomic
def channel_override_set(enterprise, *, channel: str, reason: str, user) -> ChannelOverride:
    """Set (or change) the enterprise's channel with a reason. Entries already in the ledger keep
    the channel they were made with (their payments came that way); new periods take this one.
    Back to the default channel is an override too, with its reason: nothing is deleted."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请说明该企业改由其他渠道缴纳的原因。"})
    override = ChannelOverride.objects.select_for_update().filter(enterprise=enterprise).first()
    if override is None:
        override = ChannelOverride(enterprise=enterprise)
    override.channel = channel
    override.reason = reason
    override.set_by = user
    override.full_clean(validate_unique=False)
    with acting_user(user):
        override.save()
    return override
