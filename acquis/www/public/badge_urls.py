"""Open Badges public endpoints (issuer profile, status list), mounted at the root."""

urlpatterns: list = []
