app_name = "reemployment"

urlpatterns = []
