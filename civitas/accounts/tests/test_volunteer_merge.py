from civitas.accounts import services
from civitas.organizations.models import Membership


def test_merge_moves_memberships_and_retires_the_duplicate(cast):
    from civitas.organizations import services as organizations

    organizations.membership_apply(user=cast.volunteer2, organization=cast.org_a)
    record = services.volunteer_merge(keep=cast.volunteer, remove=cast.volunteer2, actor=cast.city_staff)
    assert Membership.objects.filter(user=cast.volunteer, organization=cast.org_a).exists()
    cast.volunteer2.refresh_from_db()
    assert not cast.volunteer2.is_active
    assert cast.volunteer2.mobile_digest is None
    assert record.moved
