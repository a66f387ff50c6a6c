from django.urls import path

from civitas.online import views

app_name = "online"
urlpatterns = [
    path("", views.task_list, name="task_list"),
    path("tasks/new/", views.task_create, name="task_create"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/claim/", views.task_claim, name="task_claim"),
    path("tasks/<int:pk>/submit/", views.task_submit, name="task_submit"),
    path("submissions/", views.my_submissions, name="my_submissions"),
    path("submissions/<int:pk>/release/", views.claim_release, name="claim_release"),
    path("submissions/<int:pk>/review/", views.submission_review, name="submission_review"),
    path("submissions/<int:pk>/image/", views.submission_image, name="submission_image"),
    path("review/", views.review_queue, name="review_queue"),
    path("courses/", views.course_list, name="course_list"),
    path("courses/<int:pk>/", views.course_detail, name="course_detail"),
    path("courses/<int:pk>/lessons/<int:lesson_pk>/", views.lesson_detail, name="lesson_detail"),
    path("courses/<int:pk>/lessons/<int:lesson_pk>/attachment/", views.lesson_attachment, name="lesson_attachment"),
    path("courses/<int:pk>/quiz/", views.quiz, name="quiz"),
    path("qualifications/", views.my_qualifications, name="my_qualifications"),
    path("participation/", views.participation, name="participation"),
]
