"""What the statements part adds to the shared rails (menu, search, to-dos, indicators, panels,
milestones, imports): its `register()` is called from DuesConfig.ready()."""


def register() -> None:
    pass
