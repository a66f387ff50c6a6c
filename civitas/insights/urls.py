from django.urls import path

from civitas.insights import views

app_name = "insights"
urlpatterns = [
    path("", views.index, name="index"),
    path("indicators/", views.indicator_list, name="indicators"),
    path("indicators/new/", views.indicator_edit, name="indicator_new"),
    path("indicators/<int:pk>/", views.indicator_edit, name="indicator_edit"),
    path("assessment/", views.assessment_ranking, name="assessment"),
    path("assessment/recompute/", views.assessment_recompute, name="assessment_recompute"),
    path("assessment/criteria/new/", views.criterion_edit, name="criterion_new"),
    path("assessment/criteria/<int:pk>/", views.criterion_edit, name="criterion_edit"),
    path("assessment/<int:organization_pk>/<int:year>/", views.assessment_detail, name="assessment_detail"),
    path("projects/<int:project_pk>/funding/", views.project_funding, name="project_funding"),
    path("interchange.zip", views.interchange_export, name="interchange"),
]
for kind in ("region", "organization"):
    urlpatterns += [
        path(f"{kind}/<int:pk>/", views.dashboard, {"kind": kind}, name=f"{kind}_dashboard"),
        path(f"{kind}/<int:pk>/export/<slug:table>.csv", views.dashboard_export, {"kind": kind, "fmt": "csv"}, name=f"{kind}_export_csv"),
        path(f"{kind}/<int:pk>/export/<slug:table>.xlsx", views.dashboard_export, {"kind": kind, "fmt": "xlsx"}, name=f"{kind}_export_xlsx"),
        path(f"{kind}/<int:pk>/report.pdf", views.annual_report, {"kind": kind}, name=f"{kind}_report"),
    ]
