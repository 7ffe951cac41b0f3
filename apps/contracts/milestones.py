"""The contracts app's milestones (registered in ContractsConfig.ready())."""


def register() -> None:
    pass
