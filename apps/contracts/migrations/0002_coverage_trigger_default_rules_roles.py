import datetime

from django.db import migrations

from apps.accounts.roles import sync_roles_migration

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
    if RuleProfile.objects.filter(is_default=True).exists():
        return
    RuleProfile.objects.create(
        name="集体合同规定",
        document_number="劳动和社会保障部令第22号",
        effective_from=datetime.date(2004, 5, 1),
        answer_days=20,
        quorum_numerator=2,
        quorum_denominator=3,
        majority_numerator=1,
        majority_denominator=2,
        thresholds_inclusive=True,
        send_days=10,
        review_days=15,
        renewal_window_months=3,
        term_min_months=12,
        term_max_months=36,
        is_default=True,
        notes=(
            "第三十二条：收到协商要求之日起20日内书面回应；第三十六条：职工代表大会或者职工大会应当有三分之二以上"
            "职工代表或者职工出席，且须经全体职工代表半数以上或者全体职工半数以上同意；第四十二条：签字之日起10日内报送；"
            "第四十七条：收到文本之日起15日内未提出异议的，集体合同即行生效；第三十八条：期限一般为1至3年，"
            "期满或双方约定的终止条件出现前3个月内，任何一方均可提出续订要求。“以上”包括本数。"
        ),
    )


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
