import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from civitas.core.errors import Conflict
from civitas.publicity import services
from civitas.publicity.models import HonorStatus, PublicityEvent
from civitas.publicity.tests.factories import make_project

pytestmark = pytest.mark.django_db


def _year():
    return timezone.localdate().year


def test_organization_nominates_committee_reviews_then_publishes(cast):
    honor = services.honor_nominate(
        nominated_by=cast.organizer_a, nominating_organization=cast.org_a, year=_year(), category="volunteer",
        volunteer=cast.volunteer, citation="常年服务社区老人",
    )
    assert honor.status == HonorStatus.NOMINATED and honor.region == cast.city.community_a
    with pytest.raises(PermissionDenied):
        services.honor_decide(honor=honor, actor=cast.other_district_staff, action="approve")
    with pytest.raises(Conflict):
        services.honor_decide(honor=honor, actor=cast.district_staff, action="publish")
    services.honor_decide(honor=honor, actor=cast.district_staff, action="approve")
    services.honor_decide(honor=honor, actor=cast.district_staff, action="publish")
    honor.refresh_from_db()
    assert honor.status == HonorStatus.PUBLISHED and honor.published_at
    assert [e.action for e in PublicityEvent.objects.filter(honor=honor)] == ["nominate", "approve", "publish"]


def test_published_honor_shows_on_the_organization_page_and_honors_list(cast):
    honor = services.honor_nominate(nominated_by=cast.city_staff, year=_year(), category="organization",
                                    organization=cast.org_a, citation="项目成效显著")
    page = cast.client_for(None).get(reverse("organizations:detail", args=[cast.org_a.pk])).content.decode()
    assert "项目成效显著" not in page
    services.honor_decide(honor=honor, actor=cast.city_staff, action="approve")
    services.honor_decide(honor=honor, actor=cast.city_staff, action="publish")
    page = cast.client_for(None).get(reverse("organizations:detail", args=[cast.org_a.pk])).content.decode()
    assert "项目成效显著" in page
    assert "项目成效显著" in cast.client_for(None).get(reverse("publicity:honors")).content.decode()


def test_honors_for_tag_on_a_project(cast):
    project = make_project(cast)
    honor = services.honor_nominate(nominated_by=cast.organizer_a, nominating_organization=cast.org_a, year=_year(),
                                    category="project", project=project, citation="优秀项目")
    services.honor_decide(honor=honor, actor=cast.district_staff, action="approve")
    services.honor_decide(honor=honor, actor=cast.district_staff, action="publish")
    html = Template("{% load publicity %}{% honors_for project %}").render(Context({"project": project}))
    assert "优秀项目" in html


def test_nomination_needs_a_target_a_citation_and_a_recent_year(cast):
    with pytest.raises(ValidationError) as error:
        services.honor_nominate(nominated_by=cast.city_staff, year=1999, category="volunteer", citation="")
    assert {"volunteer", "citation", "year"} <= set(error.value.message_dict)


def test_volunteers_cannot_nominate_and_duplicates_are_refused(cast):
    with pytest.raises(PermissionDenied):
        services.honor_nominate(nominated_by=cast.volunteer, year=_year(), category="organization",
                                organization=cast.org_a, citation="好")
    services.honor_nominate(nominated_by=cast.city_staff, year=_year(), category="organization",
                            organization=cast.org_a, citation="好")
    with pytest.raises(Conflict):
        services.honor_nominate(nominated_by=cast.city_staff, year=_year(), category="organization",
                                organization=cast.org_a, citation="好")


def test_nominate_and_review_pages(cast):
    client = cast.client_for(cast.organizer_a)
    response = client.post(reverse("publicity:honor_nominate"), {
        "year": _year(), "category": "volunteer", "volunteer_number": cast.volunteer2.volunteer.volunteer_number,
        "citation": "热心助人", "on_behalf_of": cast.org_a.pk,
    })
    assert response.status_code == 302
    other = client.post(reverse("publicity:honor_nominate"), {
        "year": _year(), "category": "volunteer", "volunteer_number": cast.volunteer.volunteer.volunteer_number,
        "citation": "替别人提名", "on_behalf_of": cast.org_b.pk,
    })
    assert other.status_code == 200 and "替别人提名" in other.content.decode()
    bad = client.post(reverse("publicity:honor_nominate"), {"year": _year(), "category": "volunteer",
                                                            "volunteer_number": "NOPE", "citation": "保留这段",
                                                            "on_behalf_of": cast.org_a.pk})
    assert "保留这段" in bad.content.decode()
    assert cast.client_for(cast.volunteer).get(reverse("publicity:honor_nominate")).status_code == 403
    staff = cast.client_for(cast.other_district_staff)
    assert "热心助人" in staff.get(reverse("publicity:honor_review")).content.decode()
    from civitas.publicity.models import Honor

    honor = Honor.objects.get()
    staff.post(reverse("publicity:honor_decide", args=[honor.pk]), {"action": "approve"})
    honor.refresh_from_db()
    assert honor.status == HonorStatus.APPROVED
    assert cast.client_for(cast.district_staff).post(
        reverse("publicity:honor_decide", args=[honor.pk]), {"action": "publish"}).status_code == 404




def test_honor_list_query_budget(cast):
    from civitas.core.testing import query_budget
    from civitas.publicity.tests.factories import make_volunteer_with_profile

    for i in range(6):
        volunteer = make_volunteer_with_profile(cast, i)
        honor = services.honor_nominate(nominated_by=cast.city_staff, year=_year(), category="volunteer",
                                        volunteer=volunteer, citation=f"事迹{i}")
        services.honor_decide(honor=honor, actor=cast.city_staff, action="approve")
        services.honor_decide(honor=honor, actor=cast.city_staff, action="publish")
    project = make_project(cast)
    honor = services.honor_nominate(nominated_by=cast.city_staff, year=_year(), category="project", project=project,
                                    citation="项目事迹")
    services.honor_decide(honor=honor, actor=cast.city_staff, action="approve")
    services.honor_decide(honor=honor, actor=cast.city_staff, action="publish")
    client = cast.client_for(None)
    client.get(reverse("publicity:honors"))
    with query_budget(4):
        html = client.get(reverse("publicity:honors")).content.decode()
    assert "事迹5" in html and "项目事迹" in html
