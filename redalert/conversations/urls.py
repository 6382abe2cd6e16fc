from django.urls import path

from redalert.conversations import views, webhooks

app_name = "conversations"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/reply/", views.reply, name="reply"),
    path("<int:pk>/tip/", views.to_tip, name="to_tip"),
    path("<int:pk>/report/", views.to_report, name="to_report"),
    path("<int:pk>/contact/", views.to_contact, name="to_contact"),
    path("<int:pk>/close/", views.close, name="close"),
    path("media/<int:pk>/", views.media, name="media"),
    path("accounts/", views.accounts, name="accounts"),
    path("accounts/new/", views.account, name="account_new"),
    path("accounts/<int:pk>/", views.account, name="account"),
    path("hooks/twilio/<str:key>/", webhooks.twilio, name="twilio_hook"),
    path("hooks/whatsapp/<str:key>/", webhooks.whatsapp, name="whatsapp_hook"),
]
