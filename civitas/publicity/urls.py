from django.contrib.sitemaps.views import sitemap
from django.urls import path

from civitas.publicity import feeds, views
from civitas.publicity.sitemaps import SITEMAPS

app_name = "publicity"
urlpatterns = [
    path("", views.home, name="home"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("news/", views.article_list, name="articles"),
    path("news/<str:slug>/", views.article_detail, name="article"),
    path("news/<str:slug>/comments/", views.article_comment, name="article_comment"),
    path("discussion/projects/<int:pk>/", views.project_comments, name="project_comments"),
    path("comments/<int:pk>/report/", views.comment_report, name="comment_report"),
    path("feeds/news.rss", feeds.NewsFeed(), name="feed_rss"),
    path("feeds/news.atom", feeds.AtomNewsFeed(), name="feed_atom"),
    path("feeds/organizations/<int:pk>.rss", feeds.OrganizationFeed(), name="organization_feed_rss"),
    path("feeds/organizations/<int:pk>.atom", feeds.AtomOrganizationFeed(), name="organization_feed_atom"),
    path("honors/", views.honor_list, name="honors"),
    path("honors/nominate/", views.honor_nominate, name="honor_nominate"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("volunteers/<str:number>/", views.volunteer_profile, name="volunteer"),
    path("share/projects/<int:pk>.png", views.project_card, name="project_card"),
    path("share/volunteers/<str:number>.png", views.volunteer_card, name="volunteer_card"),
    path("desk/", views.desk, name="desk"),
    path("desk/articles/new/", views.article_new, name="article_new"),
    path("desk/articles/<str:slug>/edit/", views.article_edit, name="article_edit"),
    path("desk/articles/<str:slug>/<str:action>/", views.article_action, name="article_action"),
    path("desk/comments/", views.moderation, name="moderation"),
    path("desk/comments/<int:pk>/<str:action>/", views.comment_moderate, name="comment_moderate"),
    path("desk/words/", views.sensitive_words, name="sensitive_words"),
    path("desk/words/<int:pk>/remove/", views.sensitive_word_remove, name="sensitive_word_remove"),
    path("desk/campaigns/new/", views.campaign_new, name="campaign_new"),
    path("desk/campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("desk/honors/", views.honor_review, name="honor_review"),
    path("desk/honors/<int:pk>/decide/", views.honor_decide, name="honor_decide"),
]
