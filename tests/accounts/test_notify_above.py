"""user_list_to_notify_above: the holders of a permission above a unit (its ancestors' users)."""

import pytest

from apps.accounts.selectors import user_list_to_notify_above


@pytest.mark.django_db
def test_the_county_staff_are_above_each_township_and_its_own_staff_are_not(
    county_tree, county_user, chair_a, chair_b, officer_a
):
    perm = "complaints.change_complaint"
    found = user_list_to_notify_above(perm=perm, units=[county_tree["a"], county_tree["b"], county_tree["county"]])
    assert found[county_tree["a"].pk] == [county_user]
    assert found[county_tree["b"].pk] == [county_user]
    assert found[county_tree["county"].pk] == []  # nobody above the county
    below = user_list_to_notify_above(perm=perm, units=[county_tree["union_a"]])
    assert below[county_tree["union_a"].pk] == [county_user, chair_a]  # the nearest unit last
    county_user.is_active = False
    county_user.save(update_fields=["is_active"])
    assert user_list_to_notify_above(perm=perm, units=[county_tree["a"]])[county_tree["a"].pk] == []
    # A permission no role holds: nobody.
    assert user_list_to_notify_above(perm="core.delete_notification", units=[county_tree["b"]]) == {
        county_tree["b"].pk: []
    }
