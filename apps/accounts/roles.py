"""Roles are Django groups with model permissions: what verbs a user has.

Which rows a user sees is decided by the user's org unit (see each app's selectors). Later
apps add their models' permissions here and call `sync_role_permissions` from a data
migration, so the groups always match this table.
"""

from django.utils.translation import gettext_lazy as _

COUNTY_STAFF = "county_staff"
TOWNSHIP_STAFF = "township_staff"
GRASSROOTS_OFFICER = "grassroots_officer"

# Group names are what administrators see; the keys above are what code uses.
ROLE_NAMES = {
    COUNTY_STAFF: "县总工会工作人员",
    TOWNSHIP_STAFF: "乡镇工会干部",
    GRASSROOTS_OFFICER: "基层工会干部",
}

ROLE_LABELS = {
    COUNTY_STAFF: _("County union staff"),
    TOWNSHIP_STAFF: _("Township union chair / staff"),
    GRASSROOTS_OFFICER: _("Grassroots union officer"),
}


# role -> "app_label.codename" permissions
def _crud(model, verbs=("view", "add", "change")):
    app_label, name = model.split(".")
    return [f"{app_label}.{verb}_{name}" for verb in verbs]


# role -> "app_label.codename" permissions. Nothing is ever deleted in the portal (records are
# archived), so no role has a delete permission.
ROLE_PERMISSIONS = {
    COUNTY_STAFF: [
        "core.view_notification",
        *_crud("branches.orgunit"),
        *_crud("branches.enterprise"),
        "branches.confirm_credit_code",
        "branches.approve_union",
        *_crud("branches.subcommittee"),
        *_crud("branches.officer"),
        *_crud("branches.meeting"),
        *_crud("branches.rating"),
        *_crud("members.member"),
        "members.reveal_id_number",
        "members.export_full_mobile",
        "members.correct_id_number",
        *_crud("members.membershiptransfer"),
        *_crud("complaints.complaint"),
        "complaints.view_complainant",
        *_crud("contracts.contract"),
        # Union funds: county staff see the county's ledger, record money paid directly to the
        # county union, chase arrears and approve deferrals and write-offs. Importing the tax
        # bureau's statements and entering finance transfers is county finance staff's
        # (`dues.manage_funds`, given to those users, not to the role).
        *_crud("dues.ledgerentry"),
        *_crud("dues.payment", verbs=("view", "add")),
        *_crud("dues.arrearsaction", verbs=("view", "add")),
        "dues.approve_fund_relief",
        # An enterprise that pays by another channel than its kind says (ChannelOverride): the
        # county decides, with a reason.
        *_crud("dues.channeloverride", verbs=("view", "add", "change")),
        "dues.view_sharerate",
        "dues.view_refundrule",
        *_crud("dues.duesrecord"),
        # Cadre training: county staff run the county batches (programmes, sessions, quotas),
        # record their attendance and issue their certificates, and see every township's
        # nominations (apps.training.services check that the organiser lies in their area).
        *_crud("training.programme"),
        *_crud("training.session"),
        *_crud("training.quota"),
        *_crud("training.nomination"),
        *_crud("training.attendance"),
        *_crud("training.certificate", verbs=("view", "add")),
        # Re-employment (再就业): county staff register and help anyone in the county, recognise
        # the bases and their places, and set each township's yearly target.
        *_crud("reemployment.reemploymentcase"),
        *_crud("reemployment.reemploymenthelp", verbs=("view", "add")),
        *_crud("reemployment.reemploymentbase"),
        *_crud("reemployment.baseyear"),
        *_crud("reemployment.reemploymenttarget"),
        # County assessment (年终考核): county staff see every township, edit the scheme, score,
        # record vetoes and lock the year.
        "overview.view_assessmentyear",
        "overview.view_county_assessment",
        "overview.manage_assessment",
        # Hardship aid (困难职工帮扶): county staff open, review and close files anywhere in the
        # county and see what they say (PIPL art. 28: aid.view_hardship_details), record and
        # reverse aid, run the county's campaigns; the thresholds are set in admin.
        *_crud("aid.hardshipfile"),
        "aid.view_hardship_details",
        *_crud("aid.hardshipreview", verbs=("view", "add")),
        *_crud("aid.aidrecord", verbs=("view", "add")),
        *_crud("aid.aidcampaign"),
        *_crud("aid.hardshipthreshold"),
    ],
    TOWNSHIP_STAFF: [
        "core.view_notification",
        *_crud("branches.orgunit"),
        *_crud("branches.enterprise"),
        *_crud("branches.subcommittee"),
        *_crud("branches.officer"),
        *_crud("branches.meeting"),
        "branches.view_rating",
        *_crud("members.member"),
        *_crud("members.membershiptransfer"),
        *_crud("complaints.complaint"),
        "complaints.view_complainant",
        *_crud("contracts.contract"),
        # Their township's enterprises' funds: see them, record money paid directly to the
        # township union, chase the arrears (notices, the payment order draft).
        *_crud("dues.ledgerentry"),
        *_crud("dues.payment", verbs=("view", "add")),
        *_crud("dues.arrearsaction", verbs=("view", "add")),
        "dues.view_sharerate",
        "dues.view_refundrule",
        *_crud("dues.duesrecord"),
        # Cadre training: a township chair nominates their cadres to the county's batches
        # (quotas are the county's: read only), and runs the township's own classes: the
        # services let them manage a programme, its sessions, attendance and certificates only
        # when the township organises it.
        *_crud("training.programme"),
        *_crud("training.session"),
        "training.view_quota",
        *_crud("training.nomination"),
        *_crud("training.attendance"),
        *_crud("training.certificate", verbs=("view", "add")),
        # Re-employment: a township chair registers the township's laid-off and unemployed
        # workers, gives them help (places them at the township's bases), records the outcome,
        # and keeps the township's bases; the target is the county's (read only).
        *_crud("reemployment.reemploymentcase"),
        *_crud("reemployment.reemploymenthelp", verbs=("view", "add")),
        *_crud("reemployment.reemploymentbase"),
        *_crud("reemployment.baseyear"),
        "reemployment.view_reemploymenttarget",
        # County assessment: a township chair sees their own township's assessment and enters
        # its self-assessment (自评) while the year is open.
        "overview.view_assessmentyear",
        "overview.self_assess",
        # Hardship aid: a township chair keeps the township's files (with what they say), records
        # and reverses the township's aid, runs the township's own campaigns and records aid in
        # the county's; the thresholds are the county's (read only). The grassroots officer has
        # no part in it: a hardship file is sensitive personal information.
        *_crud("aid.hardshipfile"),
        "aid.view_hardship_details",
        *_crud("aid.hardshipreview", verbs=("view", "add")),
        *_crud("aid.aidrecord", verbs=("view", "add")),
        *_crud("aid.aidcampaign"),
        "aid.view_hardshipthreshold",
    ],
    GRASSROOTS_OFFICER: [
        "core.view_notification",
        "branches.view_orgunit",
        "branches.view_enterprise",
        "branches.view_subcommittee",
        "branches.view_officer",
        *_crud("branches.meeting"),
        "branches.view_rating",
        # Their own union's members: add and correct them, import its roster (the scope is
        # the officer's union, so another union's member is a 404 and the forms offer none).
        *_crud("members.member"),
        # Their own union bargains and signs: they record its contract's steps (the scope is
        # the officer's union, so another union's contract is a 404).
        *_crud("contracts.contract"),
        # Their own enterprise's fund ledger (read), and their members' dues (会费).
        "dues.view_ledgerentry",
        "dues.view_payment",
        *_crud("dues.duesrecord"),
    ],
}


def sync_role_permissions(apps=None):
    """Create the role groups and give each exactly the permissions listed above.

    Works with the historical app registry inside a migration (pass `apps`) and with the
    real one elsewhere.
    """
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        # Historical app configs have no models module, and create_permissions skips those;
        # pretend for the call, then put back whatever was there.
        previous = getattr(app_config, "models_module", None)
        app_config.models_module = previous or True
        try:
            create_permissions(app_config, verbosity=0, apps=apps)
        finally:
            app_config.models_module = previous

    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, perms in ROLE_PERMISSIONS.items():
        group, _created = group_model.objects.get_or_create(name=ROLE_NAMES[role])
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            permission = permission_model.objects.filter(content_type__app_label=app_label, codename=codename).first()
            # A model added by a later migration has no permission yet at an earlier one; the
            # migration that adds it calls this function again.
            if permission is not None:
                wanted.append(permission)
        group.permissions.set(wanted)


def role_of(user):
    """The user's role key, or None (superusers are administrators, not a role)."""
    names = {name: key for key, name in ROLE_NAMES.items()}
    for group in user.groups.all():
        if group.name in names:
            return names[group.name]
    return None


def sync_roles_migration(apps, schema_editor):
    """RunPython operation for the data migration of every app that adds role permissions."""
    sync_role_permissions(apps)
