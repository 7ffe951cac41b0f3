"""The arrears part's URLs."""

urlpatterns = []
