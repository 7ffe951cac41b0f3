"""What the training app asks of a user (registered in TrainingConfig.ready()): a township
chair whose township still has places of a county batch's quota while its sign-up is open.
The link opens the programme list with `places_left=1`, which shows exactly the counted rows
(the same selector)."""

from django.urls import NoReverseMatch, reverse

from apps.core.todos import TodoQuery, register_todo

from .selectors import _user_township, programme_list, programmes_with_places_left

TODO_PERMISSION = "training.add_nomination"


def places_to_fill(user) -> TodoQuery | None:
    if _user_township(user) is None:
        return None
    try:
        url = f"{reverse('training:programme_list')}?places_left=1"
    except NoReverseMatch:
        return None
    return TodoQuery(
        queryset=programmes_with_places_left(programme_list(user=user), user=user),
        label="报名中、本乡镇名额尚未报满的培训班",
        url=url,
        urgency="soon",
    )


def register() -> None:
    register_todo("training.places_to_fill", places_to_fill, permission=TODO_PERMISSION, order=600)
