from django.urls import path

from civitas.ledger import views

app_name = "ledger"
urlpatterns = [
    path("hours/", views.my_hours, name="my_hours"),
    path("hours/missing/", views.missing_hours, name="missing_hours"),
    path("hours/review/", views.review_queue, name="review_queue"),
    path("hours/review/committee/", views.committee_queue, name="committee_queue"),
    path("hours/import/", views.records_import, name="import"),
    path("hours/records/<int:pk>/", views.record_detail, name="record"),
    path("hours/records/<int:pk>/decide/", views.record_decide, name="record_decide"),
    path("hours/records/<int:pk>/correct/", views.record_correct, name="record_correct"),
    path("hours/records/<int:pk>/appeal/", views.record_appeal, name="record_appeal"),
    path("hours/appeals/<int:pk>/answer/", views.appeal_answer, name="appeal_answer"),
    path("hours/shifts/<int:shift_id>/approve/", views.shift_approve, name="shift_approve"),
    path("hours/certificates/<str:code>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("certificates/", views.certificate_lookup, name="certificate_lookup"),
    path("certificates/public-key.pem", views.public_key, name="public_key"),
    path("certificates/<str:code>/", views.certificate_verify, name="certificate_verify"),
    path("certificates/<str:code>/revoke/", views.certificate_revoke, name="certificate_revoke"),
]
