"""Demo-city step for people: the demo sign-ins and the city's volunteers."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone

from civitas.accounts import services
from civitas.accounts.models import ConsentRecord, ServiceCategory, Skill, User, VolunteerProfile
from civitas.core import crypto
from civitas.core.identity import resident_id_check_code
from civitas.core.seeding import RowsFromChild, SeedContext, copy_rows, stored_rows
from civitas.organizations.models import CommitteeRole, Region
from civitas.organizations.services import committee_assign

SURNAMES = [("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"), ("黄", "Huang"),
            ("赵", "Zhao"), ("吴", "Wu"), ("周", "Zhou"), ("徐", "Xu"), ("孙", "Sun"), ("马", "Ma"), ("朱", "Zhu"),
            ("胡", "Hu"), ("郭", "Guo"), ("何", "He"), ("高", "Gao"), ("林", "Lin"), ("罗", "Luo")]
GIVEN = [("伟", "Wei"), ("芳", "Fang"), ("娜", "Na"), ("敏", "Min"), ("静", "Jing"), ("丽", "Li"), ("强", "Qiang"),
         ("磊", "Lei"), ("军", "Jun"), ("洋", "Yang"), ("勇", "Yong"), ("艳", "Yan"), ("杰", "Jie"), ("娟", "Juan"),
         ("涛", "Tao"), ("明", "Ming"), ("超", "Chao"), ("秀英", "Xiuying"), ("霞", "Xia"), ("平", "Ping"),
         ("刚", "Gang"), ("桂英", "Guiying"), ("婷", "Ting"), ("浩然", "Haoran"), ("欣怡", "Xinyi"), ("子涵", "Zihan")]
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
PARTS = ["morning", "afternoon", "evening"]
PROFILES_IN_CHILD_FROM = 20_000  # volunteers: from this many their profiles are made in a child process


def _resident_id(index: int, birth: dt.date, female: bool) -> str:
    # The area code and sequence number come from the person's index, so that no two of a
    # million and a half generated people share an ID number, whatever their birthdays.
    area, sequence = 420000 + index // 500, (index % 500) * 2 + (0 if female else 1)
    first = f"{area:06d}{birth:%Y%m%d}{sequence:03d}"
    return first + resident_id_check_code(first)


def _persona(*, username: str, real_name: str, mobile: str, email: str, community: Region, id_number: str = "") -> User:
    user = services.volunteer_register(
        real_name=real_name, password=settings.CIVITAS["DEMO_PASSWORD"], mobile=mobile, email=email,
        id_type="resident_id" if id_number else "", id_number=id_number,
        birth_date=None if id_number else dt.date(1990, 5, 1), home_community=community,
        skills=Skill.objects.filter(code__in=["first_aid", "photography"]), interests=["elderly_disabled", "community"],
        availability={"sat": ["morning", "afternoon"], "sun": ["morning"]}, languages="普通话, English",
    )
    user.username = username
    user.save(update_fields=["username"])
    return user


def seed_people(ctx: SeedContext) -> None:
    communities = ctx.data["communities"]
    districts = ctx.data["districts"]
    first_community = Region.objects.get(pk=communities[0])
    personas = {
        "volunteer": _persona(username="volunteer", real_name="李小红", mobile="13800000001",
                              email="li.xiaohong@example.org", community=first_community, id_number="110101199003074514"),
        "organizer": _persona(username="organizer", real_name="张建国", mobile="13800000002",
                              email="zhang.jianguo@example.org", community=first_community),
    }
    personas["staff"] = services.user_create_staff(
        username="staff", password=settings.CIVITAS["DEMO_PASSWORD"], real_name="王丽（东湖区文明办）",
        email="staff@civitas.local",
    )
    committee_assign(user=personas["staff"], region=districts[0])
    personas["admin"] = services.user_create_staff(
        username="admin", password=settings.CIVITAS["DEMO_PASSWORD"], real_name="陈主任（市文明办）",
        email="admin@civitas.local", is_superuser=True,
    )
    committee_assign(user=personas["admin"], region=ctx.data["city"])
    personas["auditor"] = services.user_create_staff(
        username="auditor", password=settings.CIVITAS["DEMO_PASSWORD"], real_name="审计员",
        email="auditor@civitas.local",
    )
    committee_assign(user=personas["auditor"], region=ctx.data["city"], role=CommitteeRole.AUDITOR)

    count = max(ctx.scale.volunteers - 2, 0)
    password = make_password(settings.CIVITAS["DEMO_PASSWORD"])
    rng = ctx.rng
    now = timezone.now()
    skill_ids = list(Skill.objects.order_by("pk").values_list("pk", flat=True))
    categories = ServiceCategory.values
    last_pk_before = User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    today = timezone.localdate()

    def users():  # type: ignore[no-untyped-def]
        for i in range(count):
            mobile = f"+86139{i:08d}"
            yield (f"v{i:07d}", password, mobile, crypto.lookup_digest(mobile),
                   f"v{i:07d}@example.org" if i % 3 == 0 else None, "en" if i % 10 == 0 else "zh-hans", now)

    copy_rows(User, ["username", "password", "mobile", "mobile_digest", "email", "language", "date_joined"],
              users(), ctx=ctx, total=count, label="volunteer accounts")
    user_ids = list(User.objects.filter(pk__gt=last_pk_before).order_by("pk").values_list("pk", flat=True))

    def profiles():  # type: ignore[no-untyped-def]
        for i in range(count):
            surname, surname_en = SURNAMES[rng.randrange(len(SURNAMES))]
            given, given_en = GIVEN[rng.randrange(len(GIVEN))]
            female = rng.random() < 0.55
            age_days = rng.randrange(16 * 365, 70 * 365)
            birth = today - dt.timedelta(days=age_days)
            has_id = rng.random() < 0.7
            id_number = _resident_id(i, birth, female) if has_id else ""
            joined = now - dt.timedelta(days=rng.randrange(0, 5 * 365))
            yield (
                user_ids[i], f"V{user_ids[i] * 7919 % 10**10:010d}", surname + given, f"{given_en} {surname_en}",
                "resident_id" if has_id else "", id_number,
                crypto.lookup_digest(f"resident_id:{id_number}") if has_id else None,
                birth, "female" if female else "male", communities[rng.randrange(len(communities))],
                rng.sample(categories, 2), {rng.choice(WEEKDAYS): [rng.choice(PARTS)], "sat": ["morning"]},
                "普通话", consent_version, joined, joined,
            )

    consent_version = settings.CIVITAS["PRIVACY_CONSENT_VERSION"]
    columns = ["user_id", "volunteer_number", "real_name", "display_name", "id_type", "id_number", "id_number_digest",
               "birth_date", "gender", "home_community_id", "interests", "availability", "languages",
               "privacy_consent_version", "privacy_consent_at", "created_at"]

    def stored_profiles():  # type: ignore[no-untyped-def]
        return stored_rows(VolunteerProfile, columns, profiles())

    # Encrypting the ID numbers is most of a profile's cost: from this many, a child process
    # makes the rows (the same: it draws from the same random stream) while this one writes.
    rows = RowsFromChild(stored_profiles, rng.getstate) if count >= PROFILES_IN_CHILD_FROM else stored_profiles()
    copy_rows(VolunteerProfile, columns, rows, ctx=ctx, total=count, label="volunteer profiles", as_stored=True)
    if isinstance(rows, RowsFromChild):
        rng.setstate(rows.result)
    through = VolunteerProfile.skills.through
    profile_ids = list(
        VolunteerProfile.objects.filter(user_id__gt=last_pk_before).order_by("pk").values_list("pk", flat=True)
    )

    def skill_rows():  # type: ignore[no-untyped-def]
        for profile_id in profile_ids:
            if skill_ids and rng.random() < 0.5:
                yield (profile_id, skill_ids[rng.randrange(len(skill_ids))])

    copy_rows(through, ["volunteerprofile_id", "skill_id"], skill_rows(), ctx=ctx, total=len(profile_ids) // 2,
              label="skills")

    _consents_from_profiles(last_pk_before)
    ctx.data["personas"] = personas
    ctx.data["volunteer_user_ids"] = [personas["volunteer"].pk, personas["organizer"].pk, *user_ids]


def _consents_from_profiles(after_user_id: int) -> None:
    """Each generated volunteer's privacy consent, copied from their profile inside the
    database (one statement, nothing read back into Python)."""
    consent, profile = ConsentRecord._meta, VolunteerProfile._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(consent.get_field(name).column) for name in ("user", "version", "given_at", "by_guardian"))
    sources = ", ".join(quote(profile.get_field(name).column)
                        for name in ("user", "privacy_consent_version", "privacy_consent_at"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(consent.db_table)} ({columns}) SELECT {sources}, %s FROM {quote(profile.db_table)} "  # noqa: S608 (quoted model names)
            f"WHERE {quote(profile.get_field('user').column)} > %s",
            [False, after_user_id],
        )
