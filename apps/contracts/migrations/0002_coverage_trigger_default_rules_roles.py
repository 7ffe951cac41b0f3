from django.db import migrations

from apps.accounts.roles import sync_roles_migration
from apps.contracts.rules import NATIONAL_RULES

# An enterprise contract covers exactly its own enterprise: a coverage row of an enterprise
# contract must name the contract's enterprise, and (contract, enterprise) is unique, so there is
# at most one. A CHECK cannot look at another table; this trigger does, for inserts and updates
# of coverage rows. (A contract's scope and enterprise are fixed once it exists: the services
# never change them, and the contracts_contract_scope_parties CHECK keeps them consistent.)
COVERAGE_TRIGGER = """
CREATE FUNCTION contracts_coverage_matches_enterprise() RETURNS trigger AS $$
DECLARE
    contract_scope varchar;
    contract_enterprise bigint;
BEGIN
    SELECT scope, enterprise_id INTO contract_scope, contract_enterprise
    FROM contracts_contract WHERE id = NEW.contract_id;
    IF contract_scope = 'enterprise' AND NEW.enterprise_id IS DISTINCT FROM contract_enterprise THEN
        RAISE EXCEPTION 'An enterprise contract covers only its own enterprise'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'contracts_contractcoverage_enterprise_contract';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER contracts_coverage_matches_enterprise
BEFORE INSERT OR UPDATE ON contracts_contractcoverage
FOR EACH ROW EXECUTE FUNCTION contracts_coverage_matches_enterprise();
"""

DROP_COVERAGE_TRIGGER = """
DROP TRIGGER IF EXISTS contracts_coverage_matches_enterprise ON contracts_contractcoverage;
DROP FUNCTION IF EXISTS contracts_coverage_matches_enterprise();
"""


def default_rule_profile(apps, schema_editor):
    """The national rules (集体合同规定, 劳动和社会保障部令第22号, in effect since 2004-05-01)."""
    RuleProfile = apps.get_model("contracts", "RuleProfile")
    if not RuleProfile.objects.filter(is_default=True).exists():
        RuleProfile.objects.create(**NATIONAL_RULES, is_default=True)


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0001_contracts"),
        ("accounts", "0005_grassroots_officer_members"),
    ]

    operations = [
        migrations.RunSQL(COVERAGE_TRIGGER, DROP_COVERAGE_TRIGGER),
        migrations.RunPython(default_rule_profile, migrations.RunPython.noop),
        migrations.RunPython(sync_roles_migration, migrations.RunPython.noop),
    ]
