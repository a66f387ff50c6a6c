from __future__ import annotations

import io
import random

from civitas.core.seeding import SCALES, SeedContext
from civitas.notifications.models import Message
from civitas.notifications.seed import seed_notifications
from civitas.organizations import services as organizations


def test_demo_people_find_a_welcome_in_their_language(cast):
    membership = organizations.membership_apply(user=cast.volunteer, organization=cast.org_a)
    organizations.membership_decide(membership=membership, actor=cast.organizer_a, approve=True)
    ctx = SeedContext(scale=SCALES["demo"], rng=random.Random(1), out=io.StringIO(),
                      data={"personas": {"volunteer": cast.volunteer, "organizer": cast.volunteer2}})
    seed_notifications(ctx)
    assert [m.subject for m in Message.objects.all()] == ["欢迎加入 阳光志愿服务队"]
