"""Demo-city steps for regions, organizations and memberships (see core.seeding)."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.utils import timezone

from civitas.core.seeding import SeedContext, copy_rows, indexes_deferred
from civitas.organizations import services
from civitas.organizations.models import (
    Membership,
    MembershipRole,
    MembershipStatus,
    Organization,
    OrganizationEvent,
    OrganizationKind,
    OrganizationStatus,
    Region,
    RegionLevel,
    UnitType,
)

DISTRICTS = [
    ("东湖区", "Donghu"), ("西山区", "Xishan"), ("南江区", "Nanjiang"), ("北岭区", "Beiling"),
    ("中山区", "Zhongshan"), ("临江区", "Linjiang"), ("高新区", "Gaoxin"), ("滨海区", "Binhai"),
    ("青石区", "Qingshi"), ("白云区", "Baiyun"), ("金沙区", "Jinsha"), ("龙泉区", "Longquan"),
    ("凤凰区", "Fenghuang"), ("桃源区", "Taoyuan"), ("松柏区", "Songbai"), ("梅林区", "Meilin"),
]
PLACE_WORDS = [
    ("和平", "Heping"), ("友谊", "Youyi"), ("新华", "Xinhua"), ("光明", "Guangming"), ("幸福", "Xingfu"),
    ("长春", "Changchun"), ("民主", "Minzhu"), ("建设", "Jianshe"), ("花园", "Huayuan"), ("春晓", "Chunxiao"),
    ("锦绣", "Jinxiu"), ("翠微", "Cuiwei"), ("阳光", "Yangguang"), ("东方", "Dongfang"), ("丽景", "Lijing"),
    ("朝阳", "Chaoyang"), ("湖滨", "Hubin"), ("书香", "Shuxiang"), ("枫林", "Fenglin"), ("复兴", "Fuxing"),
]
UNIT_NAMES = [
    ("市第一人民医院", "City No.1 People's Hospital", UnitType.HOSPITAL),
    ("江城实验中学", "Jiangcheng Experimental Middle School", UnitType.SCHOOL),
    ("市供电公司", "City Power Supply Company", UnitType.ENTERPRISE),
    ("市交通运输局", "City Transport Bureau", UnitType.GOVERNMENT),
    ("江城大学", "Jiangcheng University", UnitType.SCHOOL),
    ("市红十字会", "City Red Cross Society", UnitType.SOCIAL),
    ("市图书馆", "City Library", UnitType.GOVERNMENT),
    ("江城银行", "Jiangcheng Bank", UnitType.ENTERPRISE),
]
TEAM_WORDS = [
    ("阳光", "Sunshine"), ("爱心", "Loving Heart"), ("春雨", "Spring Rain"), ("红马甲", "Red Vest"),
    ("夕阳红", "Golden Years"), ("绿色家园", "Green Home"), ("文明交通", "Civilized Traffic"), ("蓝天救援", "Blue Sky Rescue"),
]
CITY_CENTER = (Decimal("30.593099"), Decimal("114.305393"))


def _offset(base: Decimal, spread: float, ctx: SeedContext) -> Decimal:
    return (base + Decimal(str(round(ctx.rng.uniform(-spread, spread), 6)))).quantize(Decimal("0.000001"))


def seed_regions(ctx: SeedContext) -> None:
    scale = ctx.scale
    # Residents: volunteers are about one in seven, near the 13% civilized-city target.
    residents_per_community = max(int(scale.volunteers * 7.2 / (scale.districts * scale.streets_per_district * scale.communities_per_street)), 100)
    city = services.region_create(
        name="江城市", name_en="Jiangcheng City", level=RegionLevel.CITY, code="4201",
        latitude=CITY_CENTER[0], longitude=CITY_CENTER[1],
    )
    districts, communities = [], []
    for d in range(scale.districts):
        name, name_en = DISTRICTS[d % len(DISTRICTS)]
        suffix = f"{d // len(DISTRICTS) + 1}" if d >= len(DISTRICTS) else ""
        district = services.region_create(
            name=name + suffix, name_en=f"{name_en}{suffix} District", level=RegionLevel.DISTRICT, code=f"4201{d + 1:02d}",
            parent=city, latitude=_offset(CITY_CENTER[0], 0.15, ctx), longitude=_offset(CITY_CENTER[1], 0.2, ctx),
        )
        districts.append(district)
        for s in range(scale.streets_per_district):
            word, word_en = PLACE_WORDS[(d * 3 + s) % len(PLACE_WORDS)]
            street = services.region_create(
                name=f"{word}街道", name_en=f"{word_en} Street", level=RegionLevel.STREET,
                code=f"{district.code}{s + 1:03d}", parent=district,
                latitude=_offset(district.latitude, 0.03, ctx), longitude=_offset(district.longitude, 0.03, ctx),
            )
            for c in range(scale.communities_per_street):
                cword, cword_en = PLACE_WORDS[(d * 7 + s * 3 + c) % len(PLACE_WORDS)]
                population = int(residents_per_community * ctx.rng.uniform(0.7, 1.3))
                community = services.region_create(
                    name=f"{cword}{c + 1}社区", name_en=f"{cword_en} {c + 1} Community", level=RegionLevel.COMMUNITY,
                    code=f"{street.code}{c + 1:03d}", parent=street, population=population,
                    latitude=_offset(street.latitude, 0.01, ctx), longitude=_offset(street.longitude, 0.01, ctx),
                )
                communities.append(community)
    # A parent's population is the sum of its children's.
    for level in (RegionLevel.STREET, RegionLevel.DISTRICT, RegionLevel.CITY):
        for region in Region.objects.filter(level=level):
            total = sum(Region.objects.filter(parent=region).values_list("population", flat=True))
            services.region_set_population(region=region, population=total)
    ctx.data.update(city=city, districts=districts, communities=[c.pk for c in communities])


def seed_organizations(ctx: SeedContext) -> None:
    districts: list[Region] = ctx.data["districts"]
    streets = list(Region.objects.filter(level=RegionLevel.STREET).values_list("pk", flat=True))
    community_ids: list[int] = ctx.data["communities"]
    now = timezone.now()
    total = ctx.scale.organizations
    units = min(len(UNIT_NAMES), max(total // 5, 2)) if total < 100 else total // 5

    columns = ["name", "name_en", "kind", "unit_type", "region_id", "status", "contact_name", "contact_phone",
               "created_at", "description", "parent_id"]

    def build(indexes: range, unit_ids: list[int]):  # type: ignore[no-untyped-def]
        for index in indexes:
            district = districts[index % len(districts)]
            if index < units:
                name, name_en, unit_type = UNIT_NAMES[index % len(UNIT_NAMES)]
                suffix = f"{index // len(UNIT_NAMES) + 1}" if index >= len(UNIT_NAMES) else ""
                yield (name + suffix, name_en + (f" {suffix}" if suffix else ""), OrganizationKind.MEMBER_UNIT,
                       unit_type, district.pk, OrganizationStatus.APPROVED, "李主任", f"027-8{index:07d}"[:13], now,
                       "文明单位，常年组织职工参加志愿服务。", None)
            elif index % 4 == 3:
                community = community_ids[ctx.rng.randrange(len(community_ids))]
                word, word_en = PLACE_WORDS[index % len(PLACE_WORDS)]
                yield (f"{word}社区志愿服务站{index}", f"{word_en} Community Service Station {index}",
                       OrganizationKind.STATION, UnitType.SOCIAL, community, OrganizationStatus.APPROVED, "王站长",
                       f"027-6{index:07d}"[:13], now, "扎根社区，服务居民。", None)
            else:
                word, word_en = TEAM_WORDS[index % len(TEAM_WORDS)]
                status = OrganizationStatus.PENDING if index % 9 == 8 else OrganizationStatus.APPROVED
                position = index - units
                # Half the teams sit under a member unit.
                parent = unit_ids[position % len(unit_ids)] if position % 2 == 0 and unit_ids else None
                yield (f"{district.name}{word}志愿服务队{index}", f"{district.name_en} {word_en} Volunteer Team {index}",
                       OrganizationKind.TEAM, UnitType.SOCIAL,
                       streets[ctx.rng.randrange(len(streets))] if index % 2 else district.pk,
                       status, "张队长", f"027-5{index:07d}"[:13], now, "一支热心公益的志愿服务队伍，欢迎加入。", parent)

    # Member units first, so that teams can name their parent unit in the same pass.
    copy_rows(Organization, columns, build(range(units), []), ctx=ctx, total=units, label="member units")
    unit_ids = list(Organization.objects.order_by("pk").values_list("pk", flat=True))
    copy_rows(Organization, columns, build(range(units, total), unit_ids), ctx=ctx, total=total - units,
              label="organizations")
    ids = list(Organization.objects.order_by("pk").values_list("pk", flat=True))
    ctx.data["organizations"] = ids


def seed_memberships(ctx: SeedContext) -> None:
    """Every volunteer belongs to one or two organizations; a few applications wait."""
    organization_ids = list(
        Organization.objects.filter(status=OrganizationStatus.APPROVED).order_by("pk").values_list("pk", flat=True)
    )
    volunteer_ids: list[int] = ctx.data["volunteer_user_ids"]
    personas = ctx.data["personas"]
    first = Organization.objects.get(pk=organization_ids[0] if organization_ids else ctx.data["organizations"][0])
    # The demo organizer runs the first team; the demo volunteer belongs to it.
    team = Organization.objects.filter(kind=OrganizationKind.TEAM, status=OrganizationStatus.APPROVED).order_by("pk").first() or first
    now = timezone.now()
    special = {personas["organizer"].pk, personas["volunteer"].pk}
    Membership.objects.bulk_create([
        Membership(user=personas["organizer"], organization=team, role=MembershipRole.ADMIN,
                   status=MembershipStatus.APPROVED, applied_at=now, decided_at=now),
        Membership(user=personas["volunteer"], organization=team, role=MembershipRole.MEMBER,
                   status=MembershipStatus.APPROVED, applied_at=now, decided_at=now),
    ])
    Organization.objects.filter(created_by__isnull=True).update(created_by=personas["admin"])
    OrganizationEvent.objects.bulk_create(
        OrganizationEvent(organization_id=pk, to_status=status, actor=personas["admin"], reason="")
        for pk, status in Organization.objects.values_list("pk", "status")
    )

    def build():  # type: ignore[no-untyped-def]
        for position, user_id in enumerate(volunteer_ids):
            if user_id in special:
                continue
            count = 1 + (ctx.rng.random() < 0.3)
            for organization_id in ctx.rng.sample(organization_ids, min(count, len(organization_ids))):
                applied = position % 25 == 0
                yield (user_id, organization_id, MembershipStatus.APPLIED if applied else MembershipStatus.APPROVED,
                       now, None if applied else now)

    with indexes_deferred(Membership, ctx=ctx):
        copy_rows(Membership, ["user_id", "organization_id", "status", "applied_at", "decided_at"], build(), ctx=ctx,
                  total=int(len(volunteer_ids) * 1.3), label="memberships")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE organizations_organization SET member_count = (SELECT COUNT(*) FROM organizations_membership m "
            "WHERE m.organization_id = organizations_organization.id AND m.status = 'approved')"
        )
    ctx.data["team"] = team
