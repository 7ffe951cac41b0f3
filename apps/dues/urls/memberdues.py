"""The memberdues part's URLs."""

urlpatterns = []
